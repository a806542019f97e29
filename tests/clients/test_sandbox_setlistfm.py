"""The sandbox's setlist.fm: key, content negotiation, 1-based pages, 404s."""

from __future__ import annotations

from typing import Any

import aiohttp

from clients.sandbox import RunningSandbox
from clients.sandbox.builtins import DEMO, NO_MBID
from tests.sandbox_fixtures import SANDBOX_API_KEY, SETLISTFM_JSON

UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"


async def get(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str]
) -> tuple[int, str, str]:
    async with session.get(url, headers=headers) as response:
        return response.status, response.content_type, await response.text()


async def get_json(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str] = SETLISTFM_JSON
) -> tuple[int, Any]:
    async with session.get(url, headers=headers) as response:
        return response.status, await response.json()


async def test_a_request_without_a_key_is_forbidden(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http,
        f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}",
        {"Accept": "application/json"},
    )

    assert status == 403
    assert body["code"] == 403


async def test_json_comes_only_when_accepted(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    url = f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}"

    xml = await get(sandbox_http, url, {"x-api-key": SANDBOX_API_KEY})
    json_status, json_type, _ = await get(sandbox_http, url, SETLISTFM_JSON)

    assert xml[:2] == (200, "application/xml")
    assert xml[2].startswith("<?xml")
    assert f'mbid="{DEMO.musicbrainz_id}"' in xml[2]
    assert (json_status, json_type) == (200, "application/json")


async def test_setlists_come_twenty_a_page_newest_first(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    base = f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}/setlists"

    _, first = await get_json(sandbox_http, f"{base}?p=1")
    _, second = await get_json(sandbox_http, f"{base}?p=2")

    assert {k: first[k] for k in ("type", "itemsPerPage", "page", "total")} == {
        "type": "setlists",
        "itemsPerPage": 20,
        "page": 1,
        "total": 200,
    }
    dates = [_ymd(s["eventDate"]) for s in first["setlist"] + second["setlist"]]
    assert dates == sorted(dates, reverse=True)
    assert len({s["id"] for s in first["setlist"] + second["setlist"]}) == 40


def _ymd(day_month_year: str) -> str:
    day, month, year = day_month_year.split("-")
    return f"{year}-{month}-{day}"


async def test_past_the_last_page_is_a_404(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http,
        f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}/setlists?p=11",
    )

    assert status == 404
    assert set(body) == {"code", "status", "message", "timestamp"}


async def test_an_unknown_mbid_is_a_404_in_the_documented_shape(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http, f"{sandbox.url}/rest/1.0/artist/{UNKNOWN_MBID}"
    )

    assert status == 404
    assert (body["code"], body["status"], body["message"]) == (
        404,
        "Not Found",
        "unknown mbid",
    )


async def test_a_search_without_hits_is_a_404(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http, f"{sandbox.url}/rest/1.0/search/artists?artistName={NO_MBID.name}"
    )

    assert status == 404
    assert body["path"] == "/1.0/search/artists"
    assert body["error"] == "Not Found"


async def test_an_artist_search_finds_by_name_and_by_mbid(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    base = f"{sandbox.url}/rest/1.0/search/artists"

    _, by_name = await get_json(sandbox_http, f"{base}?artistName=midnight%20owls&p=1")
    _, by_mbid = await get_json(
        sandbox_http, f"{base}?artistMbid={DEMO.musicbrainz_id}"
    )

    names = {a["name"] for a in by_name["artist"]}
    assert by_name["itemsPerPage"] == 30
    assert {DEMO.name, "The Midnight Owls Tribute"} <= names
    assert [a["mbid"] for a in by_mbid["artist"]] == [DEMO.musicbrainz_id]
