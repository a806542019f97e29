"""The Redis-backed limiter: even slots, shared schedules, quotas, clean keys."""

from __future__ import annotations

import asyncio
import itertools

import pytest
import redis.asyncio as aioredis

from clients.errors import QuotaExceeded, RateLimited
from clients.ratelimit import ServiceRateLimiter, credential_fingerprint


def limiter(
    redis: aioredis.Redis,
    service: str = "setlistfm",
    credential: str = "key-one",
    **options: float,
) -> ServiceRateLimiter:
    settings: dict[str, float] = {"rate_per_second": 2.0, "safety": 1.0, **options}
    quota = settings.pop("daily_quota", None)
    return ServiceRateLimiter(
        redis,
        service,
        credential,
        rate_per_second=settings["rate_per_second"],
        safety=settings["safety"],
        daily_quota=int(quota) if quota else None,
        max_wait=settings.get("max_wait", 120.0),
    )


async def test_slots_are_spaced_evenly_at_the_rate(
    redis_client: aioredis.Redis,
) -> None:
    paced = limiter(redis_client, rate_per_second=4.0)

    waits = [await paced.reserve() for _ in range(5)]

    assert waits[0] == pytest.approx(0.0, abs=0.02)
    for previous, following in itertools.pairwise(waits):
        assert following - previous == pytest.approx(0.25, abs=0.02)


async def test_the_safety_share_widens_the_spacing(
    redis_client: aioredis.Redis,
) -> None:
    paced = limiter(redis_client, rate_per_second=5.0, safety=0.8)

    first, second = await paced.reserve(), await paced.reserve()

    assert second - first == pytest.approx(0.25, abs=0.02)


async def test_limiters_of_one_service_and_key_share_one_schedule(
    redis_client: aioredis.Redis,
) -> None:
    # Two instances stand for two processes: only Redis connects them.
    one, two = limiter(redis_client), limiter(redis_client)

    waits = [await one.reserve(), await two.reserve(), await one.reserve()]

    assert waits[1] == pytest.approx(0.5, abs=0.05)
    assert waits[2] == pytest.approx(1.0, abs=0.05)


async def test_other_services_and_other_keys_have_their_own_schedules(
    redis_client: aioredis.Redis,
) -> None:
    await limiter(redis_client).reserve()

    assert await limiter(redis_client, credential="key-two").reserve() < 0.02
    assert await limiter(redis_client, service="ticketmaster").reserve() < 0.02


async def test_acquire_waits_for_its_slot(redis_client: aioredis.Redis) -> None:
    paced = limiter(redis_client, rate_per_second=10.0)
    loop = asyncio.get_running_loop()

    started = loop.time()
    for _ in range(4):
        await paced.acquire()

    assert loop.time() - started >= 0.29


async def test_a_spent_daily_quota_raises_instead_of_calling(
    redis_client: aioredis.Redis,
) -> None:
    paced = limiter(redis_client, rate_per_second=1000.0, daily_quota=3)
    for _ in range(3):
        await paced.acquire()

    with pytest.raises(QuotaExceeded) as caught:
        await paced.acquire()

    assert isinstance(caught.value, RateLimited)
    assert caught.value.code == "RATE_LIMITED"
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 86400
    assert await paced.quota_remaining() == 0


async def test_the_quota_is_counted_across_instances(
    redis_client: aioredis.Redis,
) -> None:
    one = limiter(redis_client, rate_per_second=1000.0, daily_quota=5)
    two = limiter(redis_client, rate_per_second=1000.0, daily_quota=5)

    await one.acquire()
    await two.acquire()

    assert await one.quota_remaining() == 3


async def test_a_queue_longer_than_the_maximum_wait_is_refused(
    redis_client: aioredis.Redis,
) -> None:
    paced = limiter(redis_client, rate_per_second=1.0, max_wait=1.5)
    assert await paced.reserve() < 0.05
    assert await paced.reserve() == pytest.approx(1.0, abs=0.05)

    with pytest.raises(RateLimited):
        await paced.reserve()


async def test_keys_are_namespaced_and_never_hold_the_credential(
    redis_client: aioredis.Redis,
) -> None:
    paced = limiter(redis_client, credential="very-secret-key", daily_quota=10)

    await paced.acquire()

    keys = [k.decode() for k in await redis_client.keys("*")]
    fingerprint = credential_fingerprint("very-secret-key")
    assert len(keys) == 2
    for key in keys:
        assert key.startswith("encore:ratelimit:")
        assert "setlistfm" in key
        assert fingerprint in key
        assert "very-secret-key" not in key
