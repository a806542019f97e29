"""Rate limits every process shares through Redis: even pacing and daily quotas.

Daily quotas use the ``limits`` library (a fixed one-day window per service
and credential). Pacing is our own: one Redis key per service and credential
holds the next free send time, and an atomic script hands each caller the
next slot, one interval (1 / (rate * safety)) after the previous one, on
Redis's clock. We do not use a ``limits`` strategy for pacing because they
only answer "allowed now?": waiting callers would have to poll, and a moving
window lets a full burst through at each window edge, which a server counting
arrivals in a sliding one-second window can see as one request too many once
network jitter shifts the arrivals. Evenly spaced slots need no polling, keep
callers of all processes in arrival order, and leave a margin for jitter.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import Any

import redis.asyncio as aioredis
from limits import RateLimitItemPerDay
from limits.aio.storage import RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter

from clients.errors import QuotaExceeded, RateLimited

log = logging.getLogger(__name__)

KEY_PREFIX = "encore:ratelimit"

# Hands out the next free send slot. Times are microseconds on Redis's clock,
# so processes on different hosts agree. Replies with the wait before the
# slot, or with minus that wait when it exceeds the caller's maximum (then
# nothing is reserved).
_RESERVE_SLOT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local next_free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, next_free)
if slot - now > max_wait then
  return -(slot - now)
end
local after = slot + interval
local ttl_ms = math.ceil((after - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', ttl_ms)
return slot - now
"""


def credential_fingerprint(credential: str) -> str:
    """A short, stable tag for a credential, safe to put in keys and logs."""
    return hashlib.sha256(credential.encode()).hexdigest()[:16]


class ServiceRateLimiter:
    """Paces one service's calls and counts its daily quota, for all processes.

    ``acquire()`` before every request (retries included: the service counts
    them too). It waits for this caller's slot, and raises ``QuotaExceeded``
    rather than letting a call through once the day's quota is spent.
    """

    def __init__(
        self,
        redis: aioredis.Redis,
        service: str,
        credential: str,
        *,
        rate_per_second: float,
        daily_quota: int | None = None,
        safety: float = 0.9,
        max_wait: float = 120.0,
    ) -> None:
        if rate_per_second <= 0 or not 0 < safety <= 1:
            raise ValueError("rate_per_second must be > 0 and safety in (0, 1]")
        self.service = service
        self.fingerprint = credential_fingerprint(credential)
        self.interval = 1.0 / (rate_per_second * safety)
        self.max_wait = max_wait
        self._redis = redis
        self._pace_key = f"{KEY_PREFIX}:{service}:{self.fingerprint}:next-slot"
        self._reserve = redis.register_script(_RESERVE_SLOT)
        self._quota = RateLimitItemPerDay(daily_quota) if daily_quota else None
        self._quota_limiter = (
            FixedWindowRateLimiter(_shared_storage(redis)) if self._quota else None
        )

    async def acquire(self) -> None:
        await self._count_against_quota()
        wait = await self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)

    async def reserve(self) -> float:
        """Claim the next send slot; the seconds to wait until it comes."""
        reply = await self._reserve(
            keys=[self._pace_key],
            args=[round(self.interval * 1e6), round(self.max_wait * 1e6)],
        )
        micros = int(reply)
        if micros < 0:
            raise RateLimited(
                self.service,
                f"the queue for this service is {-micros / 1e6:.0f} s long",
                retry_after=-micros / 1e6,
            )
        return micros / 1e6

    async def quota_remaining(self) -> int | None:
        """Calls left in today's quota; None when the service has none."""
        if self._quota is None or self._quota_limiter is None:
            return None
        stats = await self._quota_limiter.get_window_stats(
            self._quota, self.service, self.fingerprint
        )
        return int(stats.remaining)

    async def _count_against_quota(self) -> None:
        if self._quota is None or self._quota_limiter is None:
            return
        allowed = await self._quota_limiter.hit(
            self._quota, self.service, self.fingerprint
        )
        if allowed:
            return
        stats = await self._quota_limiter.get_window_stats(
            self._quota, self.service, self.fingerprint
        )
        retry_after = max(0.0, stats.reset_time - time.time())
        log.warning(
            "daily quota used up",
            extra={"service": self.service, "retry_after_s": round(retry_after)},
        )
        raise QuotaExceeded(
            self.service,
            f"the daily quota of {self._quota.amount} requests is used up",
            retry_after=retry_after,
        )


def _shared_storage(redis: aioredis.Redis) -> RedisStorage:
    # The storage rides on the caller's connection pool, so it uses the same
    # server and database (tests get one each) and opens no pool of its own.
    # limits types its pass-through options as scalars; a pool is accepted.
    options: dict[str, Any] = {"connection_pool": redis.connection_pool}
    return RedisStorage(
        "async+redis://",
        implementation="redispy",
        key_prefix=f"{KEY_PREFIX}:quota",
        **options,
    )
