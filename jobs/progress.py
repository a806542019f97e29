"""Import progress: the snapshot row is the truth, Redis pub/sub the fast path.

Every change is one ``UPDATE ... RETURNING`` on the import row: the sequence
grows by one and progress can only grow, whichever process writes. The new
state is published on the artist's channel after that statement committed, so
an event never describes data a reader cannot see yet.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from tortoise import Tortoise

from encore.settings import get_settings
from models.imports import TERMINAL_STAGES, Import, ImportStage, empty_counts

log = logging.getLogger(__name__)


# Where each stage's progress starts and ends, in percent.
STAGE_WINDOWS: dict[ImportStage, tuple[float, float]] = {
    ImportStage.QUEUED: (0.0, 0.0),
    ImportStage.IDENTITY: (0.0, 5.0),
    ImportStage.SHOWS: (5.0, 30.0),
    ImportStage.SONGS: (30.0, 65.0),
    ImportStage.SETLISTS: (65.0, 95.0),
    ImportStage.WRAP_UP: (95.0, 100.0),
    ImportStage.COMPLETED: (100.0, 100.0),
    ImportStage.FAILED: (0.0, 100.0),
    ImportStage.CANCELLED: (0.0, 100.0),
}


@functools.cache
def _channel_prefix() -> str:
    # Pub/sub channels ignore Redis's database index: naming it keeps two
    # deployments (or test workers) sharing one Redis server apart.
    database = urlsplit(get_settings().redis_url).path.strip("/") or "0"
    return f"encore:{database}:progress:"


def channel_for(artist_id: int) -> str:
    """The Redis channel of an artist's import progress."""
    return f"{_channel_prefix()}{artist_id}"


def channel_pattern() -> str:
    """A pattern matching every artist's progress channel."""
    return f"{_channel_prefix()}*"


def within(stage: ImportStage, fraction: float) -> float:
    """The overall progress ``fraction`` (0..1) of the way through ``stage``."""
    start, end = STAGE_WINDOWS[stage]
    return round(start + (end - start) * min(max(fraction, 0.0), 1.0), 2)


@dataclass(frozen=True, slots=True)
class ImportSnapshot:
    """An import's state as clients see it; also the pub/sub message body."""

    import_id: int
    artist_id: int
    stage: ImportStage
    progress: float
    message: str
    sequence: int
    counts: dict[str, int] = field(default_factory=empty_counts)
    warnings: tuple[str, ...] = ()
    error: str | None = None
    started_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    phases_done: tuple[str, ...] = ()
    phase_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def is_terminal(self) -> bool:
        return self.stage in TERMINAL_STAGES

    @classmethod
    def from_row(cls, row: Import | dict[str, Any]) -> ImportSnapshot:
        def get(name: str) -> Any:
            return row[name] if isinstance(row, dict) else getattr(row, name)

        return cls(
            import_id=get("id"),
            artist_id=get("artist_id"),
            stage=ImportStage(get("stage")),
            progress=float(get("progress")),
            message=get("message"),
            sequence=get("sequence"),
            counts={**empty_counts(), **_json(get("counts"))},
            warnings=tuple(_json(get("warnings"))),
            error=get("error"),
            started_at=get("started_at"),
            updated_at=get("updated_at"),
            finished_at=get("finished_at"),
            phases_done=tuple(_json(get("phases_done"))),
            phase_seconds=dict(_json(get("phase_seconds"))),
        )

    def to_json(self) -> str:
        data = asdict(self)
        for key in ("started_at", "updated_at", "finished_at"):
            value = data[key]
            data[key] = value.isoformat() if value else None
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> ImportSnapshot:
        data = json.loads(text)
        for key in ("started_at", "updated_at", "finished_at"):
            if data.get(key):
                data[key] = dt.datetime.fromisoformat(data[key])
        data["stage"] = ImportStage(data["stage"])
        data["warnings"] = tuple(data.get("warnings", ()))
        data["phases_done"] = tuple(data.get("phases_done", ()))
        return cls(**data)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def latest_snapshot(artist_id: int) -> ImportSnapshot | None:
    """The artist's most recent import, or None if it was never imported."""
    row = (
        await Import.filter(artist_id=artist_id).order_by("-started_at", "-id").first()
    )
    return ImportSnapshot.from_row(row) if row else None


async def read_snapshot(import_id: int) -> ImportSnapshot:
    return ImportSnapshot.from_row(await Import.get(id=import_id))


class ProgressReporter:
    """Writes an import's state changes and publishes each one."""

    def __init__(self, redis: aioredis.Redis, import_id: int) -> None:
        self.redis = redis
        self.import_id = import_id

    async def update(
        self,
        *,
        stage: ImportStage | None = None,
        progress: float | None = None,
        message: str | None = None,
        counts: dict[str, int] | None = None,
        warning: str | None = None,
        error: str | None = None,
        phase_done: str | None = None,
        phase_seconds: dict[str, float] | None = None,
        finished: bool = False,
    ) -> ImportSnapshot:
        snapshot = await _apply(
            self.import_id,
            stage=stage,
            progress=progress,
            message=message,
            counts=counts,
            warning=warning,
            error=error,
            phase_done=phase_done,
            phase_seconds=phase_seconds,
            finished=finished,
        )
        if snapshot is None:
            # The import ended meanwhile (cancelled, or swept as failed): its
            # final state stands and nothing more is published.
            return await read_snapshot(self.import_id)
        await publish(self.redis, snapshot)
        return snapshot

    async def heartbeat(self) -> None:
        conn = Tortoise.get_connection("default")
        await conn.execute_query(
            'UPDATE "import" SET heartbeat_at = now() WHERE id = $1', [self.import_id]
        )


async def publish(redis: aioredis.Redis, snapshot: ImportSnapshot) -> None:
    """Best effort: the snapshot row stays the truth if Redis is away."""
    try:
        await redis.publish(channel_for(snapshot.artist_id), snapshot.to_json())
    except (aioredis.RedisError, OSError) as exc:
        log.warning(
            "progress not published",
            extra={"import_id": snapshot.import_id, "reason": str(exc)},
        )


async def _apply(import_id: int, **change: Any) -> ImportSnapshot | None:
    sets = ["sequence = sequence + 1", "updated_at = now()"]
    values: list[Any] = []

    def param(value: Any) -> str:
        values.append(value)
        return f"${len(values)}"

    if change["stage"] is not None:
        sets.append(f"stage = {param(str(change['stage']))}")
    if change["progress"] is not None:
        sets.append(
            f"progress = GREATEST(progress, {param(float(change['progress']))})"
        )
    if change["message"] is not None:
        sets.append(f"message = {param(change['message'][:500])}")
    if change["counts"]:
        sets.append(f"counts = counts || {param(json.dumps(change['counts']))}::jsonb")
    if change["warning"] is not None:
        warning = param(change["warning"])
        sets.append(f"warnings = warnings || jsonb_build_array({warning}::text)")
    if change["error"] is not None:
        sets.append(f"error = {param(change['error'])}")
    if change["phase_done"] is not None:
        marker = param(json.dumps([change["phase_done"]]))
        sets.append(
            f"phases_done = CASE WHEN phases_done @> {marker}::jsonb THEN phases_done "
            f"ELSE phases_done || {marker}::jsonb END"
        )
    if change["phase_seconds"]:
        sets.append(
            "phase_seconds = phase_seconds || "
            f"{param(json.dumps(change['phase_seconds']))}::jsonb"
        )
    if change["finished"]:
        sets.append("finished_at = now()")
        sets.append("running_artist_id = NULL")
    sql = (
        f'UPDATE "import" SET {", ".join(sets)} '
        f"WHERE id = {param(import_id)} AND finished_at IS NULL RETURNING *"
    )
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(sql, values)
    return ImportSnapshot.from_row(rows[0]) if rows else None
