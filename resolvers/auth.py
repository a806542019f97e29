"""Who may run mutations: bearer tokens from the settings, rate-limited per token."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import TYPE_CHECKING

import redis.asyncio as aioredis

from encore.errors import (
    RateLimitedError,
    UnauthenticatedError,
    UpstreamUnavailableError,
)

if TYPE_CHECKING:
    from resolvers.context import RequestContext

log = logging.getLogger(__name__)

RATE_KEY_PREFIX = "encore:mutation-rate:"
WINDOW_SECONDS = 60


class MutationRateLimited(RateLimitedError):
    """Too many mutations with one token in the current minute."""

    def __init__(self, limit: int, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"more than {limit} mutations a minute with this token; "
            f"try again in {retry_after:.0f} s"
        )


def token_fingerprint(token: str) -> str:
    """What logs and Redis keys hold instead of the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def check_token(context: RequestContext) -> str:
    """The caller's bearer token; UNAUTHENTICATED unless it is one we issued."""
    token = context.bearer_token()
    if token is None:
        raise UnauthenticatedError(
            "mutations need an 'Authorization: Bearer <token>' header"
        )
    known = context.settings.token_values()
    # Compared in constant time, and against every token, so timing tells
    # nothing about how close a guess was.
    matches = [hmac.compare_digest(token.encode(), k.encode()) for k in known]
    if not any(matches):
        raise UnauthenticatedError("the bearer token is not valid")
    return token


async def count_mutation(redis: aioredis.Redis, token: str, limit: int) -> None:
    """Count one mutation against the token's minute; RATE_LIMITED past ``limit``."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"{RATE_KEY_PREFIX}{token_fingerprint(token)}:{window}"
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 2 * WINDOW_SECONDS)
            count, _ = await pipe.execute()
    except (aioredis.RedisError, OSError) as exc:
        raise UpstreamUnavailableError("Redis is unreachable; try again") from exc
    if count > limit:
        retry_after = (window + 1) * WINDOW_SECONDS - now
        log.info(
            "mutation rate limited",
            extra={"token": token_fingerprint(token), "count": count},
        )
        raise MutationRateLimited(limit, retry_after)


async def authorize_mutation(context: RequestContext) -> None:
    token = check_token(context)
    await count_mutation(
        context.services.resources.redis,
        token,
        context.settings.mutation_rate_per_minute,
    )
