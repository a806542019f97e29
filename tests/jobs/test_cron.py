"""The worker's cron jobs, called as SAQ calls them, against real Redis and Postgres."""

from __future__ import annotations

import datetime as dt
from typing import Any

from saq import Status

from jobs import cron
from jobs.start import WORK_PHASES, job_key
from models import Artist, Import, ImportStage, Show, ShowStatus
from models.slugs import slugify
from tests.jobs.conftest import StackFactory


def long_ago(**delta: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(**delta)


async def make_artist(name: str, **fields: Any) -> Artist:
    return await Artist.create(
        name=name, search_name=name.lower(), slug=slugify(name), **fields
    )


async def stale_import(artist: Artist, attempts: int = 0) -> Import:
    row = await Import.create(
        artist=artist,
        running_artist_id=artist.id,
        stage=ImportStage.SETLISTS,
        progress=70.0,
        attempts=attempts,
        job_key=job_key(0, 0),  # a job that no longer exists
    )
    old = long_ago(minutes=10)
    await Import.filter(id=row.id).update(updated_at=old, heartbeat_at=old)
    return await Import.get(id=row.id)


async def test_an_import_whose_job_is_gone_is_queued_again(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack(worker=False)
    row = await stale_import(await make_artist("Lost"))

    swept = await cron.sweep_stuck_imports({"resources": stack.resources})

    assert swept == 1
    again = await Import.get(id=row.id)
    assert again.attempts == 1
    assert again.job_key == job_key(row.id, 1)
    assert again.finished_at is None
    job = await stack.resources.queue.job(again.job_key)
    assert job is not None
    assert job.status is Status.QUEUED


async def test_an_import_lost_too_often_fails_with_a_reason(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack(worker=False)
    row = await stale_import(
        await make_artist("Jinxed"), attempts=stack.settings.import_job_retries
    )

    await cron.sweep_stuck_imports({"resources": stack.resources})

    failed = await Import.get(id=row.id)
    assert failed.stage is ImportStage.FAILED
    assert failed.error is not None
    assert "lost" in failed.error
    assert failed.running_artist_id is None
    assert failed.progress == 70.0  # what was done stays


async def test_a_live_import_is_left_alone(make_stack: StackFactory) -> None:
    stack = await make_stack(worker=False)
    artist = await make_artist("Busy")
    row = await Import.create(
        artist=artist, running_artist_id=artist.id, stage=ImportStage.SHOWS
    )

    assert await cron.sweep_stuck_imports({"resources": stack.resources}) == 0
    assert (await Import.get(id=row.id)).job_key == row.job_key


async def test_stale_shows_are_refreshed_by_an_import_of_that_phase_only(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack(worker=False)
    stale = await make_artist(
        "Stale", ticketmaster_id="K8vZ917HgJ8", shows_refreshed_at=long_ago(days=2)
    )
    await make_artist(
        "Fresh", ticketmaster_id="K8vZ917aaaa", shows_refreshed_at=long_ago(hours=1)
    )

    started = await cron.refresh_upcoming_shows({"resources": stack.resources})

    assert started == 1
    row = await Import.get(artist=stale)
    left = {str(p) for p in WORK_PHASES} - set(row.phases_done)
    assert left == {"SHOWS", "WRAP_UP"}


async def test_artists_who_just_played_get_their_newest_setlists(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack(worker=False)
    artist = await make_artist("Touring", mbid="0a93a9d8-37ad-4047-86f6-32138b28bca0")
    await Show.create(
        artist=artist,
        date=dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1),
        status=ShowStatus.PLAYED,
    )

    assert await cron.import_recent_setlists({"resources": stack.resources}) == 1
    row = await Import.get(artist=artist)
    assert {str(p) for p in WORK_PHASES} - set(row.phases_done) == {
        "SETLISTS",
        "WRAP_UP",
    }
    job = await stack.resources.queue.job(row.job_key or "")
    assert job is not None
    assert job.kwargs == {"import_id": row.id, "setlist_pages": 1}


async def test_a_batch_import_runs_many_artists_with_bounded_concurrency(
    make_stack: StackFactory,
) -> None:
    stack = await make_stack()
    results = await cron.import_many(
        {"resources": stack.resources},
        keys=[
            {"ticketmaster_id": "K8vZ917HgJ8"},
            {"ticketmaster_id": "K8vZ917e8UB"},
            {"name": "Nobody Of This Name"},
        ],
        concurrency=2,
    )
    assert results["ticketmaster_id=K8vZ917HgJ8"] == "COMPLETED"
    assert results["ticketmaster_id=K8vZ917e8UB"] == "COMPLETED"
    assert results["name=Nobody Of This Name"].startswith("error: ")
    assert await Import.filter(stage=ImportStage.COMPLETED).count() == 2
