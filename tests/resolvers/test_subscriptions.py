"""The importProgress stream: snapshot first, newer events after, then the end."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import AsyncGenerator, AsyncIterator

import pytest
import redis.asyncio as aioredis

from encore.settings import Settings
from jobs.progress import ImportSnapshot, ProgressReporter, latest_snapshot, publish
from models import Import, ImportStage
from resolvers import subscriptions
from resolvers.progress_hub import ProgressHub
from resolvers.subscriptions import import_progress
from tests.resolvers.seed import rare_id, seed_artist, seed_import


@pytest.fixture
async def hub(
    settings: Settings, redis_client: aioredis.Redis
) -> AsyncIterator[ProgressHub]:
    hub = ProgressHub(settings.redis_url, f"encore-test-hub-{os.getpid()}")
    hub.start()
    try:
        yield hub
    finally:
        await hub.close()


@pytest.fixture
async def running(db: str) -> Import:
    seeded = await seed_artist(
        "Streamed", shows=0, songs=0, albums=0, artist_id=rare_id()
    )
    return await seed_import(seeded.artist_id, ImportStage.QUEUED)


async def step(stream: AsyncGenerator[ImportSnapshot, None]) -> ImportSnapshot:
    return await asyncio.wait_for(anext(stream), 5)


async def test_the_snapshot_comes_first_then_each_change_until_completed(
    hub: ProgressHub, redis_client: aioredis.Redis, running: Import
) -> None:
    stream = import_progress(hub, running.artist_id, poll_seconds=30)  # type: ignore[attr-defined]
    first = await step(stream)
    assert (first.stage, first.sequence) == (ImportStage.QUEUED, 0)

    reporter = ProgressReporter(redis_client, running.id)
    await reporter.update(stage=ImportStage.SHOWS, progress=10.0, message="shows")
    await reporter.update(stage=ImportStage.SONGS, progress=40.0, message="songs")
    await reporter.update(stage=ImportStage.COMPLETED, progress=100.0, finished=True)

    seen = [await step(stream) for _ in range(3)]
    assert [(s.stage, s.sequence) for s in seen] == [
        (ImportStage.SHOWS, 1),
        (ImportStage.SONGS, 2),
        (ImportStage.COMPLETED, 3),
    ]
    with pytest.raises(StopAsyncIteration):
        await step(stream)
    assert hub.feed_count == 0


async def test_stale_and_repeated_events_are_dropped(
    hub: ProgressHub, redis_client: aioredis.Redis, running: Import
) -> None:
    stream = import_progress(hub, running.artist_id, poll_seconds=30)  # type: ignore[attr-defined]
    first = await step(stream)
    newer = dataclasses.replace(first, sequence=5, stage=ImportStage.SONGS)
    for event in (newer, dataclasses.replace(first, sequence=3), newer):
        await publish(redis_client, event)
    done = dataclasses.replace(first, sequence=6, stage=ImportStage.COMPLETED)
    await publish(redis_client, done)

    assert [await step(stream), await step(stream)] == [newer, done]
    with pytest.raises(StopAsyncIteration):
        await step(stream)


async def test_a_late_subscriber_gets_the_final_state_and_the_end(
    hub: ProgressHub, redis_client: aioredis.Redis, running: Import
) -> None:
    reporter = ProgressReporter(redis_client, running.id)
    final = await reporter.update(stage=ImportStage.FAILED, error="boom", finished=True)

    stream = import_progress(hub, running.artist_id, poll_seconds=30)  # type: ignore[attr-defined]
    assert await step(stream) == final
    with pytest.raises(StopAsyncIteration):
        await step(stream)


async def test_an_event_published_while_the_snapshot_is_read_is_not_lost(
    hub: ProgressHub,
    redis_client: aioredis.Redis,
    running: Import,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The event only ever reaches Redis: a stream that subscribed after
    # reading the snapshot would never see it.
    async def read_while_publishing(artist_id: int) -> ImportSnapshot | None:
        snapshot = await latest_snapshot(artist_id)
        assert snapshot is not None
        done = dataclasses.replace(snapshot, sequence=9, stage=ImportStage.COMPLETED)
        await publish(redis_client, done)
        return snapshot

    monkeypatch.setattr(subscriptions, "latest_snapshot", read_while_publishing)
    stream = import_progress(hub, running.artist_id, poll_seconds=30)  # type: ignore[attr-defined]
    assert (await step(stream)).sequence == 0
    assert (await step(stream)).sequence == 9


async def test_a_quiet_stream_reads_the_snapshot_row_again(
    hub: ProgressHub, running: Import
) -> None:
    stream = import_progress(hub, running.artist_id, poll_seconds=0.1)  # type: ignore[attr-defined]
    await step(stream)
    # Written but never published, as when Redis was away at the time.
    await Import.filter(id=running.id).update(
        stage=ImportStage.COMPLETED, sequence=4, running_artist_id=None
    )
    final = await step(stream)
    assert (final.stage, final.sequence) == (ImportStage.COMPLETED, 4)


async def test_a_stream_closed_early_gives_its_feed_back(
    hub: ProgressHub, running: Import
) -> None:
    stream = import_progress(hub, running.artist_id, poll_seconds=30)  # type: ignore[attr-defined]
    await step(stream)
    assert hub.feed_count == 1
    await stream.aclose()
    assert hub.feed_count == 0


async def test_a_cancelled_stream_gives_its_feed_back(
    hub: ProgressHub, running: Import
) -> None:
    stream = import_progress(hub, running.artist_id, poll_seconds=30)  # type: ignore[attr-defined]
    await step(stream)
    waiting = asyncio.create_task(anext(stream))
    await asyncio.sleep(0.05)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert hub.feed_count == 0
