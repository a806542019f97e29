"""The SAQ worker: the import job, the cron jobs, start-up and clean shutdown.

A worker stops cleanly on SIGTERM or SIGINT: each running import finishes the
batch it is writing, hands its job back to the queue and exits; the next
worker to take the job resumes after the last committed batch.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from saq import CronJob, Worker

from encore.settings import Settings
from jobs import cron
from jobs.importer import ImportInterrupted, ImportRun
from jobs.runtime import Resources, make_queue
from models.database import close_database, open_database

log = logging.getLogger(__name__)

Context = dict[str, Any]


async def import_artist(
    ctx: Context, *, import_id: int, setlist_pages: int | None = None
) -> str:
    """Run (or resume) one import to its end."""
    job = ctx["job"]
    run = ImportRun(
        import_id,
        ctx["resources"],
        draining=ctx["draining"],
        setlist_pages=setlist_pages,
        on_heartbeat=job.update,
    )
    try:
        snapshot = await run.run()
    except ImportInterrupted:
        log.info("import handed back", extra={"import_id": import_id})
        await job.retry("worker stopped; the import resumes on the next worker")
        raise asyncio.CancelledError from None
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if job.retryable:
            log.warning(
                "import attempt failed; retrying",
                extra={
                    "import_id": import_id,
                    "attempt": job.attempts,
                    "reason": reason,
                },
            )
            await run.note(f"Attempt {job.attempts} failed ({reason}); retrying")
            raise
        log.exception("import failed", extra={"import_id": import_id})
        snapshot = await run.fail(reason)
    return str(snapshot.stage)


def worker_settings(
    settings: Settings, *, manage_database: bool = True
) -> dict[str, Any]:
    """Everything SAQ's ``Worker`` is built from.

    ``manage_database=False`` leaves opening the database to the caller (a
    process that already has it open, such as the test suite).
    """
    draining = asyncio.Event()

    async def startup(ctx: Context) -> None:
        if manage_database:
            await open_database(settings.database_url)
        resources = Resources(settings)
        await resources.__aenter__()
        # Made now, not inside the first import: importing and building them
        # holds the event loop for a noticeable moment.
        _ = resources.upstream
        ctx["resources"] = resources
        ctx["draining"] = draining

    async def shutdown(ctx: Context) -> None:
        resources: Resources | None = ctx.get("resources")
        if resources is not None:
            await resources.close()
        await ctx["worker"].queue.disconnect()
        if manage_database:
            await close_database()

    return {
        "queue": make_queue(settings),
        "functions": [import_artist, cron.import_many],
        "concurrency": settings.worker_concurrency,
        "cron_jobs": [
            CronJob(cron.sweep_stuck_imports, cron="* * * * *", timeout=60),
            CronJob(cron.refresh_upcoming_shows, cron="7 * * * *", timeout=600),
            CronJob(cron.import_recent_setlists, cron="17 */6 * * *", timeout=600),
            CronJob(cron.refresh_catalogs, cron="37 3 * * *", timeout=600),
        ],
        "startup": startup,
        "shutdown": shutdown,
        # Short timers: SAQ's sweep notices a job whose worker died once its
        # heartbeat is overdue (then waits a few seconds for an abort the dead
        # worker never answers, and retries it), and a stopping worker waits
        # for no upkeep sleep longer than these.
        "timers": {"sweep": 2, "abort": 1, "schedule": 1, "worker_info": 2},
        "dequeue_timeout": 1.0,
        "shutdown_grace_period_s": settings.worker_shutdown_grace_seconds,
        "draining": draining,
    }


async def run_worker(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly."""
    options = worker_settings(settings)
    draining: asyncio.Event = options.pop("draining")
    worker = Worker(**options)
    loop = asyncio.get_running_loop()

    def stop() -> None:
        log.info("worker stopping: finishing current batches")
        draining.set()
        worker.event.set()

    runner = asyncio.create_task(worker.start())
    await asyncio.sleep(0)  # let start() install its own handlers first
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop)
    log.info("worker started", extra={"concurrency": settings.worker_concurrency})
    await runner
