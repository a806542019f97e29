"""Starting and cancelling imports: what the mutation, the CLI and cron share."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from dataclasses import dataclass

from saq import Job, Status
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError

from encore.errors import NotFoundError, UpstreamUnavailableError
from jobs.identity import ArtistKey, find_known_artist, resolve_identity, store_identity
from jobs.progress import ImportSnapshot, ProgressReporter, latest_snapshot, publish
from jobs.runtime import Resources
from models import Artist, Import, ImportStage

log = logging.getLogger(__name__)

__all__ = ["ArtistKey", "StartResult", "cancel_import", "start_import"]

IMPORT_JOB = "import_artist"


@dataclass(frozen=True, slots=True)
class StartResult:
    artist: Artist
    snapshot: ImportSnapshot
    already_running: bool


# Concurrent starts for one new artist in this process share one upstream
# lookup; the database settles races between processes.
_resolving: dict[ArtistKey, asyncio.Task[Artist]] = {}


async def start_import(key: ArtistKey, resources: Resources) -> StartResult:
    """Find or create the artist, then start its import or join the running one."""
    artist = await find_known_artist(key)
    if artist is None:
        artist = await _resolve_once(key, resources)
    return await begin_import(artist, resources)


async def _resolve_once(key: ArtistKey, resources: Resources) -> Artist:
    task = _resolving.get(key)
    if task is None:
        task = asyncio.create_task(_resolve(key, resources))
        _resolving[key] = task
        task.add_done_callback(lambda _: _resolving.pop(key, None))
    return await asyncio.shield(task)


async def _resolve(key: ArtistKey, resources: Resources) -> Artist:
    identity = await resolve_identity(key, resources.upstream)
    return await store_identity(identity)


WORK_PHASES = (
    ImportStage.IDENTITY,
    ImportStage.SHOWS,
    ImportStage.SONGS,
    ImportStage.SETLISTS,
    ImportStage.WRAP_UP,
)


async def begin_import(
    artist: Artist,
    resources: Resources,
    *,
    phases: Collection[ImportStage] = WORK_PHASES,
    setlist_pages: int | None = None,
) -> StartResult:
    """Start an import of the given phases (all by default) unless one runs.

    Refreshes run only some phases: the others are recorded as done up front.
    """
    running = await Import.get_or_none(running_artist_id=artist.id)
    if running:
        return StartResult(
            artist, ImportSnapshot.from_row(running), already_running=True
        )
    # The id first, so the row is written whole in one commit.
    conn = Tortoise.get_connection("default")
    ids = await conn.execute_query_dict(
        "SELECT nextval(pg_get_serial_sequence('import', 'id')) AS id"
    )
    import_id = int(ids[0]["id"])
    try:
        row = await Import.create(
            id=import_id,
            artist=artist,
            running_artist_id=artist.id,
            stage=ImportStage.QUEUED,
            message=f"Queued the import of {artist.name}",
            phases_done=[str(p) for p in WORK_PHASES if p not in phases],
            job_key=job_key(import_id, 0),
        )
    except IntegrityError:
        # Another caller started it between our read and our insert.
        running = await Import.get_or_none(running_artist_id=artist.id)
        if running is None:
            raise
        return StartResult(
            artist, ImportSnapshot.from_row(running), already_running=True
        )
    try:
        await enqueue_job(resources, row, setlist_pages=setlist_pages)
    except Exception as exc:
        log.exception("import not enqueued", extra={"import_id": row.id})
        await ProgressReporter(resources.redis, row.id).update(
            stage=ImportStage.FAILED,
            message="Import failed: the job queue is unreachable",
            error=f"job queue unreachable: {exc}",
            finished=True,
        )
        raise UpstreamUnavailableError(
            "the job queue is unreachable; try again"
        ) from exc
    snapshot = ImportSnapshot.from_row(row)
    await publish(resources.redis, snapshot)
    log.info("import queued", extra={"import_id": row.id, "artist_id": artist.id})
    return StartResult(artist, snapshot, already_running=False)


def job_key(import_id: int, attempt: int) -> str:
    """A job key per attempt lets a swept import be queued again while its
    dead job's record lingers."""
    return f"import:{import_id}:{attempt}"


async def requeue_import(resources: Resources, row: Import) -> None:
    """Queue a new job for an import whose job was lost."""
    row.job_key = job_key(row.id, row.attempts)
    await Import.filter(id=row.id).update(job_key=row.job_key, attempts=row.attempts)
    await enqueue_job(resources, row)


async def enqueue_job(
    resources: Resources, row: Import, *, setlist_pages: int | None = None
) -> None:
    settings = resources.settings
    await resources.queue.enqueue(
        Job(
            IMPORT_JOB,
            kwargs={"import_id": row.id, "setlist_pages": setlist_pages},
            key=row.job_key or job_key(row.id, row.attempts),
            timeout=settings.import_job_timeout,
            heartbeat=settings.import_heartbeat_seconds,
            retries=settings.import_job_retries,
            retry_delay=2.0,
            retry_backoff=True,
            ttl=86_400,
        )
    )


async def cancel_import(artist_id: int, resources: Resources) -> ImportSnapshot:
    """Stop the artist's running import; its worker stops at the next batch.

    What was committed stays. Cancelling when nothing runs returns the last
    state unchanged.
    """
    if not await Artist.exists(id=artist_id):
        raise NotFoundError(f"no artist with id {artist_id}")
    running = await Import.get_or_none(running_artist_id=artist_id)
    if running is None:
        last = await latest_snapshot(artist_id)
        if last is None:
            raise NotFoundError(f"artist {artist_id} was never imported")
        return last
    await Import.filter(id=running.id).update(cancel_requested=True)
    snapshot = await ProgressReporter(resources.redis, running.id).update(
        stage=ImportStage.CANCELLED,
        message="Import cancelled; what was imported stays",
        finished=True,
    )
    job = await resources.queue.job(running.job_key) if running.job_key else None
    if job is not None and job.status in (Status.NEW, Status.QUEUED):
        await resources.queue.abort(job, "cancelled")
    return snapshot
