"""One Redis pub/sub connection per process, fanned out to every progress subscriber.

Each artist's channel is subscribed once, however many clients follow it;
each client reads from a small queue of its own. Snapshots are whole states,
so a client too slow to keep up loses intermediate ones, never the latest,
and never holds up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections import defaultdict, deque
from typing import Any

import redis.asyncio as aioredis

from encore.errors import UpstreamUnavailableError
from jobs.progress import ImportSnapshot, channel_for

log = logging.getLogger(__name__)

FEED_SIZE = 8
CONFIRM_TIMEOUT = 5.0
RECONNECT_DELAYS = (0.1, 0.5, 1.0, 2.0, 5.0)


class Signal(enum.Enum):
    # Events may have been missed (Redis reconnected): re-read the snapshot.
    RESYNC = "resync"
    # The hub is closing: the stream ends.
    CLOSED = "closed"


FeedItem = ImportSnapshot | Signal


class Feed:
    """What one subscriber reads: its artist's snapshots, the latest always kept."""

    def __init__(self, artist_id: int, size: int = FEED_SIZE) -> None:
        self.artist_id = artist_id
        self._queue: asyncio.Queue[FeedItem] = asyncio.Queue(size)

    def offer(self, item: FeedItem) -> None:
        while True:
            try:
                self._queue.put_nowait(item)
                return
            except asyncio.QueueFull:
                # The oldest is superseded by every snapshot after it.
                self._queue.get_nowait()

    async def next(self, within: float) -> FeedItem | None:
        """The next item, or None when nothing came ``within`` seconds."""
        try:
            # A deadline on the wait itself: wait_for would start a task for
            # every event of every subscriber.
            async with asyncio.timeout(within):
                return await self._queue.get()
        except TimeoutError:
            return None


class ProgressHub:
    """Shares one pub/sub connection among all of this process's subscribers."""

    def __init__(self, redis_url: str, client_name: str) -> None:
        self.client_name = client_name
        self._redis = aioredis.Redis.from_url(redis_url, client_name=client_name)
        self._pubsub = self._redis.pubsub()
        self._feeds: dict[str, set[Feed]] = {}
        # Channels we sent SUBSCRIBE for, each with an event set once Redis
        # confirmed it; confirmations come back in the order they were asked.
        self._ready: dict[str, asyncio.Event] = {}
        self._unconfirmed: defaultdict[str, deque[asyncio.Event]] = defaultdict(deque)
        self._idle: set[str] = set()
        self._wake_tidier = asyncio.Event()
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._watching = False

    @property
    def channel_count(self) -> int:
        return len(self._ready)

    @property
    def feed_count(self) -> int:
        return sum(len(feeds) for feeds in self._feeds.values())

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._read_forever(), name="progress-hub-reader"),
            asyncio.create_task(self._tidy_forever(), name="progress-hub-tidier"),
        ]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for feeds in self._feeds.values():
            for feed in feeds:
                feed.offer(Signal.CLOSED)
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()

    async def join(self, artist_id: int) -> Feed:
        """A feed of the artist's channel, subscribed (and confirmed) on return."""
        channel = channel_for(artist_id)
        feed = Feed(artist_id)
        self._feeds.setdefault(channel, set()).add(feed)
        try:
            ready = await self._subscribe(channel)
            await asyncio.wait_for(ready.wait(), CONFIRM_TIMEOUT)
        except (aioredis.RedisError, OSError, TimeoutError) as exc:
            self.leave(feed)
            log.warning(
                "progress subscription failed",
                extra={"artist_id": artist_id, "reason": repr(exc)},
            )
            raise UpstreamUnavailableError(
                "live progress is unavailable (Redis unreachable); try again"
            ) from exc
        except BaseException:
            self.leave(feed)
            raise
        return feed

    def leave(self, feed: Feed) -> None:
        """Forget the feed; its channel is unsubscribed once nobody follows it.

        Synchronous, so a cancelled subscriber can always call it on its way out.
        """
        channel = channel_for(feed.artist_id)
        feeds = self._feeds.get(channel)
        if feeds is None:
            return
        feeds.discard(feed)
        if not feeds:
            del self._feeds[channel]
            self._idle.add(channel)
            self._wake_tidier.set()

    async def _subscribe(self, channel: str) -> asyncio.Event:
        async with self._lock:
            ready = self._ready.get(channel)
            if ready is not None:
                return ready
            ready = asyncio.Event()
            self._ready[channel] = ready
            self._unconfirmed[channel].append(ready)
            try:
                await self._pubsub.subscribe(channel)
            except BaseException:
                self._unconfirmed[channel].remove(ready)
                del self._ready[channel]
                raise
            return ready

    async def _tidy_forever(self) -> None:
        while True:
            await self._wake_tidier.wait()
            self._wake_tidier.clear()
            async with self._lock:
                idle = [
                    c for c in self._idle if c not in self._feeds and c in self._ready
                ]
                self._idle.clear()
                for channel in idle:
                    del self._ready[channel]
                if idle:
                    await self._unsubscribe(idle)

    async def _unsubscribe(self, channels: list[str]) -> None:
        try:
            await self._pubsub.unsubscribe(*channels)
        except (aioredis.RedisError, OSError) as exc:
            # The connection is gone, and its subscriptions with it; the
            # reconnect must not bring them back.
            for channel in channels:
                self._pubsub.channels.pop(channel.encode(), None)
            log.warning("progress unsubscribe failed", extra={"reason": repr(exc)})

    async def _read_forever(self) -> None:
        failures = 0
        while True:
            try:
                await self._connect()
                failures = 0
                while True:
                    message = await self._pubsub.get_message(timeout=None)
                    if message is not None:
                        self._dispatch(message)
            except (aioredis.RedisError, OSError) as exc:
                log.warning(
                    "progress hub lost Redis",
                    extra={"reason": repr(exc), "failures": failures + 1},
                )
            except Exception:
                # The reader must outlive any surprise: without it every
                # stream of the process would fall back to polling.
                log.exception("progress hub reader failed")
            await asyncio.sleep(
                RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
            )
            failures += 1

    async def _connect(self) -> None:
        # Under the lock: a first SUBSCRIBE connects too, and two connects at
        # once would leave the reader on another connection than the channels.
        async with self._lock:
            await self._pubsub.connect()  # type: ignore[no-untyped-call]
            connection = self._pubsub.connection
            if connection is not None and not self._watching:
                connection.register_connect_callback(self._on_connect)
                self._watching = True

    async def _on_connect(self, connection: Any) -> None:
        # Called on every reconnect, after redis-py subscribed the known
        # channels again; what was published meanwhile is lost, so every
        # feed re-reads the snapshot.
        log.info("progress hub reconnected", extra={"channels": len(self._ready)})
        for feeds in self._feeds.values():
            for feed in feeds:
                feed.offer(Signal.RESYNC)

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel = _text(message["channel"])
        if message["type"] == "subscribe":
            pending = self._unconfirmed.get(channel)
            if pending:
                pending.popleft().set()
            if not pending:
                self._unconfirmed.pop(channel, None)
            return
        feeds = self._feeds.get(channel)
        if message["type"] != "message" or not feeds:
            return
        try:
            snapshot = ImportSnapshot.from_json(message["data"])
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("unreadable progress message", extra={"reason": repr(exc)})
            return
        for feed in feeds:
            feed.offer(snapshot)


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return value or ""
