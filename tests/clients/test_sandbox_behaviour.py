"""The sandbox's behaviour: rate limits, injected faults and latency."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import time
from collections import Counter
from typing import Any

import aiohttp
import pytest

from clients.sandbox import RunningSandbox
from clients.sandbox.builtins import DEMO
from clients.sandbox.limits import SlidingWindow
from tests.sandbox_fixtures import (
    SANDBOX_API_KEY,
    SETLISTFM_JSON,
    SandboxControl,
    SandboxFactory,
    spotify_auth,
)

KEY = {"apikey": SANDBOX_API_KEY}


def events_url(sandbox: RunningSandbox) -> str:
    query = f"attractionId={DEMO.ticketmaster_id}&size=5"
    return f"{sandbox.url}/discovery/v2/events.json?{query}"


async def fetch(
    session: aiohttp.ClientSession, url: str, **kwargs: Any
) -> tuple[int, bytes, Any]:
    async with session.get(url, **kwargs) as response:
        return response.status, await response.read(), response.headers


def test_the_window_admits_the_rate_and_refuses_the_next_until_a_second_passes() -> (
    None
):
    window = SlidingWindow()

    admitted = [window.admit(0.1 * i, 5) for i in range(5)]
    refused = window.admit(0.5, 5)
    later = window.admit(1.0, 5)

    assert admitted == [None] * 5
    assert refused == pytest.approx(0.5)
    assert later is None


async def test_spotify_answers_429_with_retry_after_past_its_rate(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(rate_limits=True, spotify_rate_per_second=5)
    auth = await spotify_auth(sandbox_http, sandbox.url)
    artist = f"{sandbox.url}/v1/artists/{DEMO.spotify_id}"
    control = SandboxControl(sandbox_http, sandbox.url)

    answers = await asyncio.gather(
        *(fetch(sandbox_http, artist, headers=auth) for _ in range(12))
    )
    stats = await control.stats()

    refused = [a for a in answers if a[0] == 429]
    assert refused
    assert Counter(a[0] for a in answers)[200] <= 5
    assert json.loads(refused[0][1]) == {
        "error": {"status": 429, "message": "API rate limit exceeded"}
    }
    assert int(refused[0][2]["Retry-After"]) >= 1
    assert stats["services"]["spotify"]["max_accepted_in_one_second"] <= 5
    assert stats["services"]["spotify"]["rate_limited"] == len(refused)


async def test_ticketmaster_refuses_bursts_as_a_spike_arrest(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(rate_limits=True)

    answers = await asyncio.gather(
        *(fetch(sandbox_http, events_url(sandbox), params=KEY) for _ in range(9))
    )

    refused = [json.loads(body) for status, body, _ in answers if status == 429]
    assert refused
    assert refused[0]["fault"]["detail"]["errorcode"] == (
        "policies.ratelimit.SpikeArrestViolation"
    )


async def test_ticketmaster_refuses_past_its_daily_quota(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(
        rate_limits=True, ticketmaster_daily_quota=3, ticketmaster_rate_per_second=100
    )

    answers = [
        await fetch(sandbox_http, events_url(sandbox), params=KEY) for _ in range(4)
    ]

    assert [a[0] for a in answers] == [200, 200, 200, 429]
    assert [a[2]["Rate-Limit-Available"] for a in answers[:3]] == ["2", "1", "0"]
    fault = json.loads(answers[3][1])["fault"]
    assert fault["detail"]["errorcode"] == "policies.ratelimit.QuotaViolation"
    assert answers[3][2]["Rate-Limit-Over"] == "1"
    assert int(answers[3][2]["Rate-Limit-Reset"]) > time.time() * 1000


async def test_setlistfm_answers_429_past_two_requests_a_second(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(rate_limits=True)
    url = f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}"

    answers = await asyncio.gather(
        *(fetch(sandbox_http, url, headers=SETLISTFM_JSON) for _ in range(5))
    )

    assert Counter(a[0] for a in answers)[429] >= 1
    assert Counter(a[0] for a in answers)[200] <= 2


async def test_paced_requests_are_never_refused(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(rate_limits=True, spotify_rate_per_second=20)
    auth = await spotify_auth(sandbox_http, sandbox.url)
    artist = f"{sandbox.url}/v1/artists/{DEMO.spotify_id}"
    control = SandboxControl(sandbox_http, sandbox.url)

    statuses = []
    for _ in range(25):
        statuses.append((await fetch(sandbox_http, artist, headers=auth))[0])
        await asyncio.sleep(0.06)
    stats = await control.stats()

    assert set(statuses) == {200}
    assert stats["services"]["spotify"]["max_in_one_second"] <= 20


async def test_switching_limits_off_at_runtime_stops_the_refusals(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(rate_limits=True)
    url = f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}"
    control = SandboxControl(sandbox_http, sandbox.url)

    await control.configure(rate_limits=False)
    answers = await asyncio.gather(
        *(fetch(sandbox_http, url, headers=SETLISTFM_JSON) for _ in range(6))
    )

    assert {a[0] for a in answers} == {200}


async def test_a_status_fault_hits_the_next_requests_of_one_service_only(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    await sandbox_control.arm(
        kind="status", service="ticketmaster", status=503, count=2
    )
    setlist_url = f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}"

    other = await fetch(sandbox_http, setlist_url, headers=SETLISTFM_JSON)
    hit = [await fetch(sandbox_http, events_url(sandbox), params=KEY) for _ in range(3)]

    assert other[0] == 200
    assert [h[0] for h in hit] == [503, 503, 200]
    assert "fault" in json.loads(hit[0][1])


async def test_a_fault_can_target_an_endpoint_by_path_pattern(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    auth = await spotify_auth(sandbox_http, sandbox.url)
    await sandbox_control.arm(
        kind="status", endpoint="/v1/artists/*/albums", count=None
    )

    artist = await fetch(
        sandbox_http, f"{sandbox.url}/v1/artists/{DEMO.spotify_id}", headers=auth
    )
    albums = await fetch(
        sandbox_http, f"{sandbox.url}/v1/artists/{DEMO.spotify_id}/albums", headers=auth
    )
    again = await fetch(
        sandbox_http, f"{sandbox.url}/v1/artists/{DEMO.spotify_id}/albums", headers=auth
    )

    assert (artist[0], albums[0], again[0]) == (200, 503, 503)
    assert json.loads(albums[1]) == {
        "error": {"status": 503, "message": "Service Unavailable"}
    }


async def test_a_fault_can_let_the_first_requests_through(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    await sandbox_control.arm(kind="status", endpoint="*/setlists", skip=1, count=2)
    pages = f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}/setlists?p="

    statuses = [
        (await fetch(sandbox_http, pages + str(p), headers=SETLISTFM_JSON))[0]
        for p in range(1, 5)
    ]

    assert statuses == [200, 503, 503, 200]


async def test_a_hang_outlasts_the_clients_timeout(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    await sandbox_control.arm(kind="hang", service="ticketmaster", seconds=60)

    with pytest.raises(TimeoutError):
        await fetch(
            sandbox_http,
            events_url(sandbox),
            params=KEY,
            timeout=aiohttp.ClientTimeout(total=0.3),
        )
    after = await fetch(sandbox_http, events_url(sandbox), params=KEY)

    assert after[0] == 200


async def test_a_truncated_body_breaks_off_mid_way(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    await sandbox_control.arm(kind="truncate", service="ticketmaster")

    with pytest.raises(aiohttp.ClientPayloadError):
        await fetch(sandbox_http, events_url(sandbox), params=KEY)


async def test_a_malformed_body_is_complete_but_not_json(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    await sandbox_control.arm(kind="malformed", service="setlistfm")

    status, body, headers = await fetch(
        sandbox_http,
        f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}/setlists",
        headers=SETLISTFM_JSON,
    )

    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


async def test_an_html_error_page_comes_instead_of_json(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    await sandbox_control.arm(kind="html", service="ticketmaster")

    status, body, headers = await fetch(sandbox_http, events_url(sandbox), params=KEY)

    assert status == 502
    assert headers["Content-Type"].startswith("text/html")
    assert b"<h1>502 Bad Gateway</h1>" in body


async def test_an_empty_body_comes_with_a_success_status(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    await sandbox_control.arm(kind="empty", service="ticketmaster")

    status, body, _ = await fetch(sandbox_http, events_url(sandbox), params=KEY)

    assert (status, body) == (200, b"")


async def test_an_injected_429_says_when_to_retry_in_seconds_or_as_a_date(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    url = f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}"
    await sandbox_control.arm(kind="rate_limit", service="setlistfm", seconds=3)
    await sandbox_control.arm(
        kind="rate_limit",
        service="setlistfm",
        seconds=5,
        retry_after_format="http-date",
    )

    in_seconds = await fetch(sandbox_http, url, headers=SETLISTFM_JSON)
    as_date = await fetch(sandbox_http, url, headers=SETLISTFM_JSON)
    control = await sandbox_control.stats()

    assert (in_seconds[0], in_seconds[2]["Retry-After"]) == (429, "3")
    when = email.utils.parsedate_to_datetime(as_date[2]["Retry-After"])
    wait = (when - dt.datetime.now(dt.UTC)).total_seconds()
    assert as_date[0] == 429
    assert 2 <= wait <= 6
    assert control["services"]["setlistfm"]["rate_limited"] == 2


async def test_latency_delays_every_upstream_answer(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    await sandbox_control.configure(latency_ms=150)

    started = time.monotonic()
    status, _, _ = await fetch(sandbox_http, events_url(sandbox), params=KEY)
    waited = time.monotonic() - started

    assert status == 200
    assert waited >= 0.15
