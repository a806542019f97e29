import asyncio
import json

import redis.asyncio as aioredis

from jobs.progress import ImportSnapshot, ProgressReporter, channel_for, within
from models import Artist, Import, ImportStage


async def make_import() -> Import:
    artist = await Artist.create(name="Progress", search_name="progress", slug="p")
    return await Import.create(artist=artist, running_artist_id=artist.id)


async def test_sequence_grows_by_one_per_change_and_progress_never_falls(
    db: str, redis_client: aioredis.Redis
) -> None:
    row = await make_import()
    reporter = ProgressReporter(redis_client, row.id)
    first = await reporter.update(stage=ImportStage.SHOWS, progress=20.0)
    second = await reporter.update(progress=10.0, message="late, lower figure")
    assert (first.sequence, second.sequence) == (1, 2)
    assert second.progress == 20.0
    assert second.message == "late, lower figure"


async def test_every_change_is_published_after_it_is_stored(
    db: str, redis_client: aioredis.Redis
) -> None:
    row = await make_import()
    pubsub = redis_client.pubsub()
    await pubsub.subscribe(channel_for(row.artist_id))  # type: ignore[attr-defined]
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    reporter = ProgressReporter(redis_client, row.id)
    await reporter.update(
        stage=ImportStage.SONGS, progress=within(ImportStage.SONGS, 0.5)
    )
    message = await pubsub.get_message(timeout=2)
    await pubsub.aclose()
    assert message is not None
    event = ImportSnapshot.from_json(message["data"])
    stored = await Import.get(id=row.id)
    assert (event.sequence, event.progress) == (stored.sequence, stored.progress)
    assert event.stage is ImportStage.SONGS
    assert json.loads(message["data"])["counts"]["songs"] == 0


async def test_a_finished_import_takes_no_more_changes(
    db: str, redis_client: aioredis.Redis
) -> None:
    row = await make_import()
    reporter = ProgressReporter(redis_client, row.id)
    done = await reporter.update(stage=ImportStage.CANCELLED, finished=True)
    after = await reporter.update(stage=ImportStage.SETLISTS, progress=80.0)
    assert after == done
    stored = await Import.get(id=row.id)
    assert stored.running_artist_id is None
    assert stored.stage is ImportStage.CANCELLED


async def test_concurrent_writers_never_share_a_sequence_number(
    db: str, redis_client: aioredis.Redis
) -> None:
    row = await make_import()
    reporters = [ProgressReporter(redis_client, row.id) for _ in range(5)]
    results = await asyncio.gather(
        *(r.update(progress=float(i)) for i, r in enumerate(reporters * 4))
    )
    assert sorted(s.sequence for s in results) == list(range(1, 21))


def test_stage_windows_bound_progress() -> None:
    assert within(ImportStage.SHOWS, 0) == 5.0
    assert within(ImportStage.SHOWS, 1) == 30.0
    assert within(ImportStage.SETLISTS, 2.0) == 95.0
