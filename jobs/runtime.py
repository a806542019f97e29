"""What a process running imports holds open: Redis, the queue, the clients."""

from __future__ import annotations

import logging
from types import TracebackType

import redis.asyncio as aioredis
from saq import Queue

from encore.settings import Settings

log = logging.getLogger(__name__)


def make_queue(settings: Settings) -> Queue:
    return Queue.from_url(settings.redis_url, name=settings.queue_name)


class Upstream:
    """The three service clients, each with its one long-lived session."""

    def __init__(self, settings: Settings, redis: aioredis.Redis) -> None:
        from clients.setlistfm import SetlistFmClient
        from clients.spotify import SpotifyClient
        from clients.ticketmaster import TicketmasterClient

        self.spotify = SpotifyClient(settings, redis)
        self.ticketmaster = TicketmasterClient(settings, redis)
        self.setlistfm = SetlistFmClient(settings, redis)

    async def close(self) -> None:
        await self.spotify.close()
        await self.ticketmaster.close()
        await self.setlistfm.close()


class Resources:
    """Redis, the job queue and the upstream clients of one process.

    ``async with`` opens them; the clients are made on first use, so a server
    that never imports a new artist never opens a session upstream.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis: aioredis.Redis = aioredis.Redis.from_url(
            settings.redis_url, client_name="encore"
        )
        self.queue: Queue = make_queue(settings)
        self._upstream: Upstream | None = None

    @property
    def upstream(self) -> Upstream:
        if self._upstream is None:
            self._upstream = Upstream(self.settings, self.redis)
        return self._upstream

    async def __aenter__(self) -> Resources:
        await self.queue.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._upstream is not None:
            await self._upstream.close()
        await self.queue.disconnect()
        await self.redis.aclose()
