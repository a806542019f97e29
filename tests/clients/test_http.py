"""The shared HTTP layer against a real local server that answers from a script."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import itertools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis.asyncio as aioredis
from aiohttp import web

from clients.errors import (
    BadResponse,
    NotFound,
    RateLimited,
    Rejected,
    Unauthorized,
    Unavailable,
    UpstreamError,
    UpstreamTimeout,
)
from clients.http import UpstreamClient, UpstreamHttp, retry_after_seconds
from clients.sandbox.builtins import DEMO
from clients.setlistfm import SetlistFmClient
from clients.spotify import SpotifyClient
from clients.ticketmaster import TicketmasterClient
from encore.settings import Settings
from tests.sandbox_fixtures import SandboxControl

SERVICE = "testsvc"


@dataclass
class Scripted:
    """One canned answer; ``kind`` picks the special ones."""

    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: Mapping[str, str] = field(default_factory=dict)
    kind: str = "plain"  # plain, hang, truncate, retry_after_date
    delay: float = 0.0


@dataclass
class ScriptServer:
    url: str
    script: list[Scripted]
    arrivals: list[float] = field(default_factory=list)
    seen_queries: list[str] = field(default_factory=list)
    seen_auth: list[str] = field(default_factory=list)

    def answer(self, *answers: Scripted) -> None:
        self.script[:] = list(answers)


@pytest.fixture
async def server() -> AsyncIterator[ScriptServer]:
    state = ScriptServer(url="", script=[])

    async def handle(request: web.Request) -> web.StreamResponse:
        state.arrivals.append(time.time())
        state.seen_queries.append(request.query_string)
        state.seen_auth.append(request.headers.get("Authorization", ""))
        step = state.script.pop(0) if state.script else Scripted()
        return await _play(request, step)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        await runner.cleanup()


async def _play(request: web.Request, step: Scripted) -> web.StreamResponse:
    if step.delay:
        await asyncio.sleep(step.delay)
    headers = dict(step.headers)
    if step.kind == "retry_after_date":
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        headers["Date"] = email.utils.format_datetime(now, usegmt=True)
        later = now + dt.timedelta(seconds=2)
        headers["Retry-After"] = email.utils.format_datetime(later, usegmt=True)
    if step.kind == "truncate":
        response = web.StreamResponse(status=step.status, headers=headers)
        response.content_length = len(step.body) + 100
        await response.prepare(request)
        await response.write(step.body)
        # Drop the connection with the body unfinished.
        assert request.transport is not None
        request.transport.close()
        return response
    return web.Response(status=step.status, body=step.body, headers=headers)


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "upstream_backoff_base": 0.05,
            "upstream_max_attempts": 3,
            "upstream_max_retry_seconds": 20.0,
            "upstream_retry_after_ceiling": 5.0,
            "upstream_total_timeout": 0.5,
            "upstream_connect_timeout": 0.5,
        }
    )


def translate(
    status: int, body: bytes, path: str, headers: Mapping[str, str]
) -> UpstreamError:
    kinds: dict[int, type[UpstreamError]] = {
        401: Unauthorized,
        404: NotFound,
        429: RateLimited,
    }
    kind = kinds.get(status) or (Unavailable if status >= 500 else Rejected)
    return kind(SERVICE, "scripted failure", path=path, status=status)


@pytest.fixture
async def http(fast: Settings) -> AsyncIterator[UpstreamHttp]:
    async with UpstreamHttp(SERVICE, fast, translate) as layer:
        yield layer


def gaps(arrivals: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(arrivals)]


async def test_retry_after_in_seconds_is_honoured(
    server: ScriptServer, http: UpstreamHttp
) -> None:
    server.answer(Scripted(429, b"", {"Retry-After": "1"}), Scripted())

    assert await http.get_json(server.url + "/thing") == {"ok": True}

    assert len(server.arrivals) == 2
    assert gaps(server.arrivals)[0] >= 1.0


async def test_retry_after_as_an_http_date_is_honoured(
    server: ScriptServer, http: UpstreamHttp
) -> None:
    server.answer(Scripted(503, b"down", kind="retry_after_date"), Scripted())

    await http.get_json(server.url + "/thing")

    first, second = server.arrivals
    # The date said "two seconds after the whole second of the first answer".
    assert second >= int(first) + 2


async def test_retry_after_zero_still_waits_a_little(
    server: ScriptServer, http: UpstreamHttp
) -> None:
    server.answer(Scripted(429, b"", {"Retry-After": "0"}), Scripted())

    await http.get_json(server.url + "/thing")

    assert gaps(server.arrivals)[0] >= 0.025


async def test_retry_after_beyond_the_ceiling_is_surfaced_not_slept(
    server: ScriptServer, http: UpstreamHttp
) -> None:
    server.answer(Scripted(429, b"", {"Retry-After": "3600"}))

    with pytest.raises(RateLimited) as caught:
        await http.get_json(server.url + "/thing")

    assert caught.value.retry_after == 3600
    assert len(server.arrivals) == 1


@pytest.mark.parametrize(
    ("status", "kind"), [(400, Rejected), (403, Rejected), (404, NotFound)]
)
async def test_other_client_errors_fail_at_once(
    server: ScriptServer, http: UpstreamHttp, status: int, kind: type[Exception]
) -> None:
    server.answer(Scripted(status, b"{}"))

    with pytest.raises(kind):
        await http.get_json(server.url + "/thing")

    assert len(server.arrivals) == 1


async def test_server_errors_are_retried_until_attempts_run_out(
    server: ScriptServer, http: UpstreamHttp
) -> None:
    server.answer(*[Scripted(502, b"<html>bad gateway</html>")] * 5)

    with pytest.raises(Unavailable) as caught:
        await http.get_json(server.url + "/thing")

    assert len(server.arrivals) == 3
    assert caught.value.status == 502
    assert caught.value.code == "UPSTREAM_UNAVAILABLE"


async def test_a_server_error_then_success_returns_the_success(
    server: ScriptServer, http: UpstreamHttp
) -> None:
    server.answer(Scripted(500, b""), Scripted(200, b'{"n": 2}'))

    assert await http.get_json(server.url + "/thing") == {"n": 2}


async def test_retries_stop_at_the_time_budget(
    server: ScriptServer, fast: Settings
) -> None:
    budget = fast.model_copy(update={"upstream_max_retry_seconds": 0.5})
    server.answer(*[Scripted(503, b"", {"Retry-After": "1"})] * 3)

    async with UpstreamHttp(SERVICE, budget, translate) as layer:
        with pytest.raises(Unavailable):
            await layer.get_json(server.url + "/thing")

    assert len(server.arrivals) == 1


async def test_a_timeout_is_retried_then_raised_as_a_timeout_error(
    server: ScriptServer, http: UpstreamHttp
) -> None:
    server.answer(*[Scripted(delay=1.0)] * 3)

    with pytest.raises(UpstreamTimeout) as caught:
        await http.get_json(server.url + "/slow")

    assert isinstance(caught.value, TimeoutError)
    assert isinstance(caught.value, Unavailable)
    assert len(server.arrivals) == 3


async def test_a_refused_connection_is_unavailable(http: UpstreamHttp) -> None:
    # Port 9 (discard) on loopback: nothing listens there in the test set-up.
    with pytest.raises(Unavailable) as caught:
        await http.get_json("http://127.0.0.1:9/thing")

    assert caught.value.service == SERVICE
    assert caught.value.path == "/thing"


@pytest.mark.parametrize(
    "answer",
    [
        Scripted(body=b'{"items": [1, 2'),
        Scripted(body=b"<html><body>Service Temporarily Unavailable</body></html>"),
        Scripted(body=b""),
        Scripted(body=b"   \n"),
        Scripted(body=b"\xff\xfe\x00garbage"),
        Scripted(body=b'{"items": [1, 2, 3]', kind="truncate"),
    ],
    ids=["malformed", "html", "empty", "blank", "binary", "truncated"],
)
async def test_unreadable_bodies_are_bad_responses_naming_the_service(
    server: ScriptServer, http: UpstreamHttp, answer: Scripted
) -> None:
    # A cut-off body may be retried; give it the same answer every time.
    server.answer(*[answer] * 3)

    with pytest.raises(BadResponse) as caught:
        await http.get_json(server.url + "/thing")

    assert str(caught.value).startswith(SERVICE)
    assert caught.value.code == "UPSTREAM_UNAVAILABLE"


@dataclass
class CountingAuth:
    """Real credentials that change when refreshed; counts refreshes."""

    token: int = 1
    refreshes: int = 0

    async def headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer t{self.token}"}

    async def refresh(self, rejected: Mapping[str, str]) -> None:
        self.refreshes += 1
        self.token += 1


async def test_a_401_refreshes_credentials_once_and_retries(
    server: ScriptServer, http: UpstreamHttp
) -> None:
    auth = CountingAuth()
    server.answer(Scripted(401, b"{}"), Scripted())

    assert await http.get_json(server.url + "/thing", auth=auth) == {"ok": True}

    assert auth.refreshes == 1
    assert server.seen_auth == ["Bearer t1", "Bearer t2"]


async def test_a_second_401_is_unauthorized(
    server: ScriptServer, http: UpstreamHttp
) -> None:
    auth = CountingAuth()
    server.answer(Scripted(401, b"{}"), Scripted(401, b"{}"))

    with pytest.raises(Unauthorized):
        await http.get_json(server.url + "/thing", auth=auth)

    assert auth.refreshes == 1


async def test_errors_and_logs_never_show_the_query_string(
    server: ScriptServer, http: UpstreamHttp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="clients.http")
    server.answer(Scripted(500, b""), Scripted(500, b""), Scripted(404, b"{}"))

    with pytest.raises(NotFound) as caught:
        await http.get_json(server.url + "/thing", params={"apikey": "s3cret-key"})

    assert "apikey=s3cret-key" in server.seen_queries[0]
    assert caught.value.path == "/thing"
    assert "s3cret" not in str(caught.value)
    for record in caplog.records:
        assert "s3cret" not in record.getMessage()
        assert "s3cret" not in str(record.__dict__)


async def test_one_debug_line_per_request_and_one_info_line_per_retry(
    server: ScriptServer, http: UpstreamHttp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="clients.http")
    server.answer(Scripted(503, b""), Scripted())

    await http.get_json(server.url + "/thing")

    requests = [r for r in caplog.records if r.levelno == logging.DEBUG]
    retries = [r for r in caplog.records if r.levelno == logging.INFO]
    assert [r.__dict__["status"] for r in requests] == [503, 200]
    assert len(retries) == 1
    assert retries[0].__dict__["reason"] == "unavailable"
    assert retries[0].__dict__["wait_s"] > 0


def test_retry_after_reads_both_forms() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    later = email.utils.format_datetime(now + dt.timedelta(seconds=7), usegmt=True)

    assert retry_after_seconds({"Retry-After": "12"}) == 12.0
    assert retry_after_seconds({"Retry-After": later}, now=now) == 7.0
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"Retry-After": "-3"}) == 0.0


# --- every client against the sandbox's faults ---------------------------------

Call = Callable[[Any], Awaitable[object]]
Factory = Callable[[Settings, aioredis.Redis], UpstreamClient]
CLIENTS: dict[str, tuple[Factory, Call]] = {
    "spotify": (SpotifyClient, lambda c: c.get_artist(DEMO.spotify_id)),
    "ticketmaster": (
        TicketmasterClient,
        lambda c: c.get_attraction(DEMO.ticketmaster_id),
    ),
    "setlistfm": (SetlistFmClient, lambda c: c.get_artist(DEMO.musicbrainz_id)),
}


@pytest.fixture
def sandboxed(sandbox_settings: Settings) -> Settings:
    return sandbox_settings.model_copy(
        update={
            "upstream_backoff_base": 0.05,
            "upstream_max_attempts": 2,
            "upstream_total_timeout": 0.5,
            "spotify_rate_per_second": 500.0,
            "ticketmaster_rate_per_second": 500.0,
            "setlistfm_rate_per_second": 500.0,
        }
    )


async def call_once(service: str, settings: Settings, redis: aioredis.Redis) -> object:
    make, call = CLIENTS[service]
    async with make(settings, redis) as client:
        return await call(client)


@pytest.mark.parametrize("service", sorted(CLIENTS))
@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "malformed"},
        {"kind": "truncate"},
        {"kind": "html", "status": 200},
        {"kind": "empty"},
    ],
    ids=["malformed", "truncated", "html", "empty"],
)
async def test_every_client_reports_unreadable_bodies_as_bad_responses(
    service: str,
    fault: dict[str, Any],
    sandboxed: Settings,
    redis_client: aioredis.Redis,
    sandbox_control: SandboxControl,
) -> None:
    await sandbox_control.arm(service=service, count=None, **fault)

    with pytest.raises(BadResponse) as caught:
        await call_once(service, sandboxed, redis_client)

    assert caught.value.service == service
    assert str(caught.value).startswith(service)


@pytest.mark.parametrize("service", sorted(CLIENTS))
async def test_an_html_gateway_error_is_retried_then_unavailable(
    service: str,
    sandboxed: Settings,
    redis_client: aioredis.Redis,
    sandbox_control: SandboxControl,
) -> None:
    await sandbox_control.arm(service=service, kind="html", count=None)

    with pytest.raises(Unavailable) as caught:
        await call_once(service, sandboxed, redis_client)

    assert caught.value.status == 502
    stats = (await sandbox_control.stats())["services"][service]
    assert stats["requests"] == 2


@pytest.mark.parametrize("service", sorted(CLIENTS))
async def test_one_server_error_is_retried_away(
    service: str,
    sandboxed: Settings,
    redis_client: aioredis.Redis,
    sandbox_control: SandboxControl,
) -> None:
    await sandbox_control.arm(service=service, kind="status", status=503)

    assert await call_once(service, sandboxed, redis_client) is not None

    stats = (await sandbox_control.stats())["services"][service]
    assert stats["statuses"] == {"200": 1, "503": 1}


async def test_a_hanging_service_times_out_as_a_timeout_error(
    sandboxed: Settings,
    redis_client: aioredis.Redis,
    sandbox_control: SandboxControl,
) -> None:
    await sandbox_control.arm(service="setlistfm", kind="hang", seconds=3, count=None)

    with pytest.raises(TimeoutError) as caught:
        await call_once("setlistfm", sandboxed, redis_client)

    assert isinstance(caught.value, UpstreamTimeout)
    assert caught.value.code == "UPSTREAM_UNAVAILABLE"


async def test_the_sandboxs_retry_after_date_is_honoured(
    sandboxed: Settings,
    redis_client: aioredis.Redis,
    sandbox_control: SandboxControl,
) -> None:
    await sandbox_control.arm(
        service="ticketmaster",
        kind="rate_limit",
        seconds=2,
        retry_after_format="http-date",
    )

    await call_once("ticketmaster", sandboxed, redis_client)

    stats = await sandbox_control.stats(arrivals=True)
    first, second = stats["services"]["ticketmaster"]["arrivals"]
    assert first["status"] == 429
    assert second["status"] == 200
    # An HTTP date counts whole seconds: two seconds ahead may be 1.x away.
    assert second["at"] - first["at"] >= 1.0
