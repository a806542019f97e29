"""The progress hub: one Redis subscription per artist, fanned out to every feed."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis.asyncio as aioredis

from encore.errors import UpstreamUnavailableError
from encore.settings import Settings
from jobs.progress import ImportSnapshot, channel_for, publish
from models import ImportStage
from resolvers.progress_hub import FEED_SIZE, Feed, ProgressHub, Signal

ARTIST = 7


def snapshot(sequence: int, stage: ImportStage = ImportStage.SHOWS) -> ImportSnapshot:
    return ImportSnapshot(
        import_id=1,
        artist_id=ARTIST,
        stage=stage,
        progress=float(sequence),
        message=f"step {sequence}",
        sequence=sequence,
    )


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


async def subscribers(redis: aioredis.Redis, artist_id: int) -> int:
    counts = await redis.pubsub_numsub(channel_for(artist_id))
    return int(counts[0][1])


async def named_connections(redis: aioredis.Redis, name: str) -> list[dict[str, str]]:
    return [c for c in await redis.client_list() if c.get("name") == name]


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    async with asyncio.timeout(5):
        while not await check():  # noqa: ASYNC110 - Redis state, no event to wait on
            await asyncio.sleep(0.02)


async def next_item(feed: Feed) -> object:
    item = await feed.next(5.0)
    assert item is not None, "nothing arrived"
    return item


async def test_many_feeds_of_one_artist_share_one_subscription(
    hub: ProgressHub, redis_client: aioredis.Redis
) -> None:
    feeds = [await hub.join(ARTIST) for _ in range(50)]

    assert await subscribers(redis_client, ARTIST) == 1
    assert len(await named_connections(redis_client, hub.client_name)) == 1
    await publish(redis_client, snapshot(1))
    for feed in feeds:
        assert await next_item(feed) == snapshot(1)

    for feed in feeds:
        hub.leave(feed)

    async def released() -> bool:
        return await subscribers(redis_client, ARTIST) == 0

    await eventually(released)
    assert hub.channel_count == 0
    assert hub.feed_count == 0
    assert len(await named_connections(redis_client, hub.client_name)) == 1


async def test_a_slow_feed_keeps_the_latest_and_holds_up_nobody(
    hub: ProgressHub, redis_client: aioredis.Redis
) -> None:
    slow = await hub.join(ARTIST)
    fast = await hub.join(ARTIST)
    received: list[int] = []
    for sequence in range(1, 41):
        await publish(redis_client, snapshot(sequence))
        item = await next_item(fast)
        assert isinstance(item, ImportSnapshot)
        received.append(item.sequence)

    assert received == list(range(1, 41))
    backlog = []
    while (item := await slow.next(0.2)) is not None:
        assert isinstance(item, ImportSnapshot)
        backlog.append(item.sequence)
    assert backlog == list(range(41 - FEED_SIZE, 41))


async def test_a_lost_connection_is_resubscribed_and_feeds_resync(
    hub: ProgressHub, redis_client: aioredis.Redis
) -> None:
    feed = await hub.join(ARTIST)
    (connection,) = await named_connections(redis_client, hub.client_name)

    await redis_client.client_kill_filter(_id=connection["id"])

    assert await next_item(feed) is Signal.RESYNC

    async def resubscribed() -> bool:
        return await subscribers(redis_client, ARTIST) == 1

    await eventually(resubscribed)
    await publish(redis_client, snapshot(2))
    assert await next_item(feed) == snapshot(2)


async def test_closing_the_hub_ends_every_feed(settings: Settings) -> None:
    hub = ProgressHub(settings.redis_url, f"encore-test-hub-{os.getpid()}")
    hub.start()
    feed = await hub.join(ARTIST)
    await hub.close()
    assert await next_item(feed) is Signal.CLOSED


async def test_joining_without_redis_is_upstream_unavailable(
    settings: Settings, unused_tcp_port: int
) -> None:
    hub = ProgressHub(f"redis://127.0.0.1:{unused_tcp_port}/0", "encore-test-nowhere")
    hub.start()
    try:
        with pytest.raises(UpstreamUnavailableError, match="Redis unreachable"):
            await hub.join(ARTIST)
        assert hub.feed_count == 0
    finally:
        await hub.close()
