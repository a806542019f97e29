"""The sandbox's Ticketmaster Discovery v2: keys, paging limits, errors, windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp

from clients.sandbox import RunningSandbox
from clients.sandbox.builtins import DEMO, TINY
from tests.sandbox_fixtures import SANDBOX_API_KEY, SandboxFactory

KEY = {"apikey": SANDBOX_API_KEY}


async def get_json(
    session: aiohttp.ClientSession, url: str, params: dict[str, str]
) -> tuple[int, Any]:
    async with session.get(url, params=params) as response:
        return response.status, await response.json(content_type=None)


async def test_a_missing_api_key_gets_the_gateway_fault(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http, f"{sandbox.url}/discovery/v2/events.json", {}
    )

    assert status == 401
    assert body["fault"]["detail"]["errorcode"] == "oauth.v2.InvalidApiKey"


async def test_an_unknown_attraction_is_dis1004(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http, f"{sandbox.url}/discovery/v2/attractions/K8vZ917zzzz.json", KEY
    )

    assert status == 404
    assert body["errors"][0]["code"] == "DIS1004"
    assert body["errors"][0]["status"] == "404"


async def test_an_attraction_is_served_with_and_without_the_json_suffix(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    base = f"{sandbox.url}/discovery/v2/attractions/{DEMO.ticketmaster_id}"

    plain = await get_json(sandbox_http, base, KEY)
    suffixed = await get_json(sandbox_http, base + ".json", KEY)

    assert plain == suffixed
    assert plain[1]["externalLinks"]["spotify"] == [
        {"url": f"https://open.spotify.com/artist/{DEMO.spotify_id}"}
    ]


async def test_pages_are_zero_based_with_links_and_totals(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    url = f"{sandbox.url}/discovery/v2/events.json"
    query = {"attractionId": DEMO.ticketmaster_id or "", "size": "25", **KEY}
    ids: list[str] = []
    pages = []
    for page in range(3):
        status, body = await get_json(sandbox_http, url, {**query, "page": str(page)})
        assert status == 200
        ids += [e["id"] for e in body["_embedded"]["events"]]
        pages.append(body)

    assert [p["page"]["number"] for p in pages] == [0, 1, 2]
    assert pages[0]["page"] == {
        "size": 25,
        "totalElements": 60,
        "totalPages": 3,
        "number": 0,
    }
    assert "next" in pages[1]["_links"]
    assert "next" not in pages[2]["_links"]
    assert "page=1" in pages[0]["_links"]["next"]["href"]
    assert len(ids) == len(set(ids)) == 60


async def test_a_size_of_200_is_refused(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http, f"{sandbox.url}/discovery/v2/events.json", {"size": "200", **KEY}
    )

    assert status == 400
    assert body["errors"][0]["code"] == "DIS1036"


async def test_paging_to_the_thousandth_item_is_refused(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http,
        f"{sandbox.url}/discovery/v2/events.json",
        {"size": "50", "page": "20", **KEY},
    )

    assert status == 400
    assert body["errors"][0]["code"] == "DIS1035"
    assert body["errors"][0]["status"] == "400 BAD_REQUEST"


async def test_an_empty_result_has_no_embedded_key(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http,
        f"{sandbox.url}/discovery/v2/events.json",
        {"attractionId": "K8vZ917zzzz", **KEY},
    )

    assert status == 200
    assert "_embedded" not in body
    assert body["page"]["totalElements"] == 0


async def test_a_date_window_keeps_dated_events_inside_it_only(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    url = f"{sandbox.url}/discovery/v2/events.json"
    everything = {"attractionId": DEMO.ticketmaster_id or "", "size": "100", **KEY}
    _, whole = await get_json(sandbox_http, url, everything)
    dated = [
        e for e in whole["_embedded"]["events"] if "dateTime" in e["dates"]["start"]
    ]
    middle = dated[len(dated) // 2]["dates"]["start"]["dateTime"]
    window = {"startDateTime": middle, "endDateTime": "2099-01-01T00:00:00Z"}

    _, later = await get_json(sandbox_http, url, {**everything, **window})
    bad, refused = await get_json(
        sandbox_http, url, {**everything, "startDateTime": middle[:-1] + ".000Z"}
    )

    kept = later["_embedded"]["events"]
    assert kept
    assert all("localDate" in e["dates"]["start"] for e in kept)
    assert min(_start(e) for e in kept) >= dt.datetime.fromisoformat(middle)
    assert len(kept) < len(whole["_embedded"]["events"])
    assert bad == 400
    assert refused["errors"][0]["code"] == "DIS1015"


def _start(event: dict[str, Any]) -> dt.datetime:
    start = event["dates"]["start"]
    if "dateTime" in start:
        return dt.datetime.fromisoformat(start["dateTime"])
    day = dt.date.fromisoformat(start["localDate"])
    return dt.datetime.combine(day, dt.time(), dt.UTC)


async def test_undated_events_come_only_when_asked_for(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(builtin_artists=False)
    async with sandbox_http.post(
        f"{sandbox.url}/_sandbox/artists",
        json={"name": "Maybe Later", "albums": 1, "tracks": 1, "events": 150},
    ) as response:
        created = await response.json()
    url = f"{sandbox.url}/discovery/v2/events.json"
    query = {"attractionId": created["ticketmaster_id"], "size": "199", **KEY}
    window = {"startDateTime": "2000-01-01T00:00:00Z"}

    _, plain = await get_json(sandbox_http, url, query)
    _, windowed = await get_json(sandbox_http, url, {**query, **window})
    _, only = await get_json(
        sandbox_http, url, {**query, "includeTBA": "only", "includeTBD": "only"}
    )

    undated = only["_embedded"]["events"]
    assert undated
    assert all("localDate" not in e["dates"]["start"] for e in undated)
    assert plain["page"]["totalElements"] == 150
    assert windowed["page"]["totalElements"] == 150 - len(undated)


async def test_an_attraction_search_ranks_the_whole_name_first(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http,
        f"{sandbox.url}/discovery/v2/attractions.json",
        {"keyword": "pocket satellites", "classificationName": "music", **KEY},
    )

    assert status == 200
    assert body["_embedded"]["attractions"][0]["id"] == TINY.ticketmaster_id
