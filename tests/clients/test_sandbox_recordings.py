"""The sandbox's recordings mode, serving the shared upstream samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from clients.sandbox import RunningSandbox
from tests.sandbox_fixtures import (
    SANDBOX_API_KEY,
    SETLISTFM_JSON,
    SandboxFactory,
    spotify_auth,
)

GORILLAZ = "3AA28KZvwAUcZuOKwyblJQ"
NEVER_RECORDED = {"046irMJGxbyxFOFwglj02y", "4h1VDZwacXaPt7CtO186uP"}
BABYMETAL = "27e2997f-f7a1-4353-bcc4-57b9274fa9a4"
METALLICA = "K8vZ9171G9V"
KEY = {"apikey": SANDBOX_API_KEY}


@pytest.fixture
async def recorded(make_sandbox: SandboxFactory, samples_dir: Path) -> RunningSandbox:
    return await make_sandbox(recordings_dir=samples_dir)


async def get_json(
    session: aiohttp.ClientSession, url: str, **kwargs: Any
) -> tuple[int, Any]:
    async with session.get(url, **kwargs) as response:
        return response.status, await response.json(content_type=None)


async def album_listing(
    session: aiohttp.ClientSession, url: str, limit: int, groups: str
) -> list[dict[str, Any]]:
    auth = await spotify_auth(session, url)
    query = f"include_groups={groups}&limit={limit}&market=US"
    address: str | None = f"{url}/v1/artists/{GORILLAZ}/albums?{query}"
    items: list[dict[str, Any]] = []
    while address:
        status, page = await get_json(session, address, headers=auth)
        assert status == 200
        items += page["items"]
        address = page["next"]
    assert page["total"] == len(items), "the total counts the items served"
    return items


def recorded_album_ids(samples_dir: Path) -> list[str]:
    folder = samples_dir / "spotify" / "gorillaz_2025-08-31"
    ids: list[str] = []
    for page in sorted(folder.glob(f"artist_albums_{GORILLAZ}_offset*_limit20.json")):
        ids += [a["id"] for a in json.loads(page.read_text())["items"]]
    return ids


async def test_the_gorillaz_import_is_served_in_full(
    recorded: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    url = recorded.url
    auth = await spotify_auth(sandbox_http, url)
    status, artist = await get_json(
        sandbox_http, f"{url}/v1/artists/{GORILLAZ}", headers=auth
    )
    albums = await album_listing(sandbox_http, url, 10, "album,single,compilation")

    missing = []
    for album in albums:
        status_album, full = await get_json(
            sandbox_http, f"{url}/v1/albums/{album['id']}", headers=auth
        )
        if status_album == 404:
            assert full == {"error": {"status": 404, "message": "non existing id"}}
            missing.append(album["id"])
            continue
        tracks = full["tracks"]["items"]
        address = full["tracks"]["next"]
        while address:
            _, page = await get_json(sandbox_http, address, headers=auth)
            tracks += page["items"]
            address = page["next"]
        assert len(tracks) == full["total_tracks"], album["name"]

    assert (status, artist["name"]) == (200, "Gorillaz")
    assert len(albums) == 81
    assert set(missing) == NEVER_RECORDED


async def test_recorded_album_pages_are_served_again_at_other_page_sizes(
    recorded: RunningSandbox, sandbox_http: aiohttp.ClientSession, samples_dir: Path
) -> None:
    groups = "album,single,compilation"

    by_seven = await album_listing(sandbox_http, recorded.url, 7, groups)
    by_fifty = await album_listing(sandbox_http, recorded.url, 50, groups)
    singles = await album_listing(sandbox_http, recorded.url, 20, "single")

    expected = recorded_album_ids(samples_dir)
    assert [a["id"] for a in by_seven] == [a["id"] for a in by_fifty] == expected
    assert singles
    assert {a["album_group"] for a in singles} == {"single"}


async def test_a_token_request_always_succeeds_in_recordings_mode(
    recorded: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    async with sandbox_http.post(
        f"{recorded.url}/api/token", data={"grant_type": "client_credentials"}
    ) as response:
        assert response.status == 200
        assert (await response.json())["token_type"] == "Bearer"


async def test_unknown_records_answer_in_each_services_own_shape(
    recorded: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    url = recorded.url
    auth = await spotify_auth(sandbox_http, url)

    spotify = await get_json(sandbox_http, f"{url}/v1/artists/{'0' * 22}", headers=auth)
    ticketmaster = await get_json(
        sandbox_http, f"{url}/discovery/v2/events/G5nothere.json", params=KEY
    )
    setlistfm = await get_json(
        sandbox_http,
        f"{url}/rest/1.0/artist/{'0' * 8}-0000-4000-8000-{'0' * 12}",
        headers=SETLISTFM_JSON,
    )

    assert spotify == (404, {"error": {"status": 404, "message": "non existing id"}})
    assert ticketmaster[0] == 404
    assert ticketmaster[1]["errors"][0]["code"] == "DIS1004"
    assert setlistfm[0] == 404
    assert setlistfm[1]["message"] == "unknown mbid"


async def test_recorded_setlists_are_paged_from_all_their_pages(
    recorded: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    base = f"{recorded.url}/rest/1.0/artist/{BABYMETAL}/setlists"

    _, first = await get_json(sandbox_http, f"{base}?p=1", headers=SETLISTFM_JSON)
    _, second = await get_json(sandbox_http, f"{base}?p=2", headers=SETLISTFM_JSON)
    past, _ = await get_json(sandbox_http, f"{base}?p=3", headers=SETLISTFM_JSON)

    ids = [s["id"] for s in first["setlist"] + second["setlist"]]
    assert first["total"] == 40 == len(set(ids))
    assert past == 404


async def test_recorded_events_are_listed_by_attraction(
    recorded: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http,
        f"{recorded.url}/discovery/v2/events.json",
        params={"attractionId": METALLICA, "size": "10", "page": "1", **KEY},
    )

    assert status == 200
    assert body["page"]["totalElements"] == 16
    assert len(body["_embedded"]["events"]) == 6
    assert all(
        METALLICA in {a["id"] for a in e["_embedded"]["attractions"]}
        for e in body["_embedded"]["events"]
    )


async def test_a_recorded_body_without_a_route_of_its_own_is_replayed(
    recorded: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    auth = await spotify_auth(sandbox_http, recorded.url)

    status, body = await get_json(
        sandbox_http,
        f"{recorded.url}/v1/artists/7Ln80lUS6He07XvHI8qqHH/top-tracks?country=US",
        headers=auth,
    )

    assert status == 200
    assert len(body["tracks"]) == 10


async def test_a_recorded_search_answers_as_recorded(
    recorded: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    auth = await spotify_auth(sandbox_http, recorded.url)

    _, body = await get_json(
        sandbox_http,
        f"{recorded.url}/v1/search",
        params={"q": "artist: gorillaz", "type": "artist", "limit": "10"},
        headers=auth,
    )

    # The latest recording of this query wins: Gorillaz first, then NZ acts.
    assert body["artists"]["items"][0]["id"] == GORILLAZ
