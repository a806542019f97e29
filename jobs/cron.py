"""Cron jobs of the worker: refreshes, the stuck-import sweep, batch imports.

Refreshes are imports of some phases only, so they share the import's
guarantees: one running import per artist, progress, resumable batches.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from saq import Status

from jobs.identity import ArtistKey
from jobs.progress import ProgressReporter, read_snapshot
from jobs.runtime import Resources
from jobs.start import begin_import, requeue_import, start_import
from models import Artist, Import, ImportStage

log = logging.getLogger(__name__)

Context = dict[str, Any]

RECENT_SHOW_DAYS = 3
# An import whose heartbeat is this much older than the job's heartbeat
# interval has lost its worker.
STUCK_AFTER_HEARTBEATS = 3


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def refresh_upcoming_shows(ctx: Context) -> int:
    """Re-read the shows of artists whose shows are a day old."""
    stale = await Artist.filter(
        ticketmaster_id__isnull=False,
        shows_refreshed_at__lt=_now() - dt.timedelta(days=1),
    ).limit(100)
    return await _refresh(
        ctx["resources"], stale, (ImportStage.SHOWS, ImportStage.WRAP_UP)
    )


async def refresh_catalogs(ctx: Context) -> int:
    """Re-read catalogs older than a week."""
    stale = await Artist.filter(
        spotify_id__isnull=False, catalog_refreshed_at__lt=_now() - dt.timedelta(days=7)
    ).limit(100)
    return await _refresh(
        ctx["resources"], stale, (ImportStage.SONGS, ImportStage.WRAP_UP)
    )


async def import_recent_setlists(ctx: Context) -> int:
    """Fetch the newest setlists of artists who played in the last days."""
    since = _now().date() - dt.timedelta(days=RECENT_SHOW_DAYS)
    artists = (
        await Artist.filter(
            mbid__isnull=False,
            shows__date__gte=since,
            shows__date__lt=_now().date(),
            shows__setlistfm_id__isnull=True,
        )
        .distinct()
        .limit(100)
    )
    return await _refresh(
        ctx["resources"],
        artists,
        (ImportStage.SETLISTS, ImportStage.WRAP_UP),
        setlist_pages=1,
    )


async def _refresh(
    resources: Resources,
    artists: list[Artist],
    phases: tuple[ImportStage, ...],
    setlist_pages: int | None = None,
) -> int:
    started = 0
    for artist in artists:
        result = await begin_import(
            artist, resources, phases=phases, setlist_pages=setlist_pages
        )
        started += not result.already_running
    if started:
        log.info(
            "refreshes started", extra={"phases": ",".join(phases), "count": started}
        )
    return started


async def sweep_stuck_imports(ctx: Context) -> int:
    """End or requeue imports whose job is gone, so none stays at a percentage."""
    resources: Resources = ctx["resources"]
    settings = resources.settings
    cutoff = _now() - dt.timedelta(
        seconds=settings.import_heartbeat_seconds * STUCK_AFTER_HEARTBEATS
    )
    candidates = await Import.filter(
        finished_at__isnull=True, updated_at__lt=cutoff
    ).limit(100)
    swept = 0
    for row in candidates:
        if row.heartbeat_at and row.heartbeat_at >= cutoff:
            continue
        job = await resources.queue.job(row.job_key) if row.job_key else None
        if job is not None and job.status in (Status.NEW, Status.QUEUED, Status.ACTIVE):
            continue  # SAQ's own sweep retries a job whose worker died
        swept += 1
        reporter = ProgressReporter(resources.redis, row.id)
        if row.attempts < settings.import_job_retries:
            row.attempts += 1
            await requeue_import(resources, row)
            await reporter.update(message="The import's worker was lost; resuming")
            log.warning("stuck import requeued", extra={"import_id": row.id})
        else:
            await reporter.update(
                stage=ImportStage.FAILED,
                message="Import failed: its worker was lost too often",
                error="the import's job was lost after repeated attempts",
                finished=True,
            )
            log.warning("stuck import failed", extra={"import_id": row.id})
    return swept


async def import_many(
    ctx: Context, *, keys: list[dict[str, str]], concurrency: int = 2
) -> dict[str, str]:
    """Import many artists, at most ``concurrency`` at a time.

    ``keys`` are ArtistKey fields (one of ticketmaster_id, spotify_id, mbid,
    name each). Returns each key's final stage or error.
    """
    resources: Resources = ctx["resources"]
    gate = asyncio.Semaphore(max(1, concurrency))
    results: dict[str, str] = {}

    async def one(fields: dict[str, str]) -> None:
        async with gate:
            label = ",".join(f"{k}={v}" for k, v in fields.items())
            try:
                started = await start_import(ArtistKey(**fields), resources)
                results[label] = str(await _wait_for_end(started.snapshot.import_id))
            except Exception as exc:  # one artist's failure is its own
                results[label] = f"error: {exc}"

    await asyncio.gather(*(one(k) for k in keys))
    return results


async def _wait_for_end(import_id: int, poll_seconds: float = 1.0) -> ImportStage:
    while True:
        snapshot = await read_snapshot(import_id)
        if snapshot.is_terminal:
            return snapshot.stage
        await asyncio.sleep(poll_seconds)
