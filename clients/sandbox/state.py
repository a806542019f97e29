"""A running sandbox's state: data, switches, tokens, traffic, faults."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from clients.sandbox.config import SandboxConfig
from clients.sandbox.faults import FaultBook
from clients.sandbox.limits import RateLimiter
from clients.sandbox.store import Store
from clients.sandbox.traffic import Traffic

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(slots=True)
class Behaviour:
    """What can be switched while the sandbox runs."""

    rate_limits: bool
    latency_ms: float
    latency_jitter_ms: float
    spotify_batch_endpoints: bool
    token_ttl_seconds: float
    rates: dict[str, float]  # requests per second, by service
    daily_quotas: dict[str, int]  # by service; absent means none

    @classmethod
    def of(cls, config: SandboxConfig) -> Behaviour:
        return cls(
            rate_limits=config.rate_limits,
            latency_ms=config.latency_ms,
            latency_jitter_ms=config.latency_jitter_ms,
            spotify_batch_endpoints=config.spotify_batch_endpoints,
            token_ttl_seconds=config.token_ttl_seconds,
            rates={
                "spotify": config.spotify_rate_per_second,
                "ticketmaster": config.ticketmaster_rate_per_second,
                "setlistfm": config.setlistfm_rate_per_second,
            },
            daily_quotas={
                "ticketmaster": config.ticketmaster_daily_quota,
                "setlistfm": config.setlistfm_daily_quota,
            },
        )


@dataclass(slots=True)
class TokenBook:
    """Spotify access tokens this sandbox issued, with their deadlines."""

    deadlines: dict[str, float] = field(default_factory=dict)

    def issue(self, ttl: float, now: float) -> str:
        token = "sandbox-" + secrets.token_urlsafe(24)
        self.deadlines[token] = now + ttl
        return token

    def valid(self, token: str, now: float) -> bool:
        deadline = self.deadlines.get(token)
        return deadline is not None and now < deadline

    def expire_all_after(self, seconds: float, now: float) -> int:
        """Cut every live token short; returns how many were live."""
        live = [t for t, d in self.deadlines.items() if d > now]
        for token in live:
            self.deadlines[token] = min(self.deadlines[token], now + seconds)
        return len(live)


@dataclass(frozen=True, slots=True)
class Endpoint:
    service: str
    name: str


class EndpointTable:
    """Which service and endpoint each registered route belongs to."""

    def __init__(self) -> None:
        self._by_resource: dict[str, Endpoint] = {}

    def add(
        self,
        router: web.UrlDispatcher,
        method: str,
        path: str,
        handler: Handler,
        endpoint: Endpoint,
    ) -> None:
        route = router.add_route(method, path, handler)
        if route.resource is not None:
            self._by_resource[route.resource.canonical] = endpoint

    def of(self, request: web.Request) -> Endpoint | None:
        resource = request.match_info.route.resource
        if resource is None:
            return None
        return self._by_resource.get(resource.canonical)


class SandboxState:
    """Everything a request handler may read or change."""

    def __init__(self, config: SandboxConfig, store: Store, today: dt.date) -> None:
        self.config = config
        self.store = store
        self.behaviour = Behaviour.of(config)
        self.tokens = TokenBook()
        self.traffic = Traffic()
        self.limiter = RateLimiter()
        self.faults = FaultBook()
        self.endpoints = EndpointTable()
        self.closing = asyncio.Event()
        self.started = time.monotonic()
        # Fixed once, so artists created later share the built-ins' calendar.
        self.today = today

    @property
    def recordings_mode(self) -> bool:
        return self.config.recordings_dir is not None

    def now(self) -> float:
        """Seconds since the sandbox started, on a clock that never jumps."""
        return time.monotonic() - self.started

    def reset_traffic(self) -> None:
        self.traffic.reset()
        self.limiter.reset()


STATE = web.AppKey("sandbox_state", SandboxState)
