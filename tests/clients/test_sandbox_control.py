"""The sandbox's control API: counts, artists, ground truth and mutations."""

from __future__ import annotations

from typing import Any

import aiohttp

from clients.sandbox import RunningSandbox
from clients.sandbox.builtins import DEMO, TINY
from tests.sandbox_fixtures import (
    SANDBOX_API_KEY,
    SETLISTFM_JSON,
    SandboxControl,
    spotify_auth,
)

KEY = {"apikey": SANDBOX_API_KEY}


async def get_json(
    session: aiohttp.ClientSession, url: str, **kwargs: Any
) -> tuple[int, Any]:
    async with session.get(url, **kwargs) as response:
        return response.status, await response.json(content_type=None)


async def post(session: aiohttp.ClientSession, url: str, body: Any) -> tuple[int, Any]:
    async with session.post(url, json=body) as response:
        return response.status, await response.json()


async def test_counts_are_kept_per_service_and_endpoint(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    url = sandbox.url
    auth = await spotify_auth(sandbox_http, url)
    for _ in range(3):
        await get_json(
            sandbox_http, f"{url}/v1/artists/{DEMO.spotify_id}", headers=auth
        )
    await get_json(
        sandbox_http, f"{url}/v1/artists/{DEMO.spotify_id}/albums", headers=auth
    )
    for _ in range(2):
        await get_json(sandbox_http, f"{url}/discovery/v2/events.json", params=KEY)
    await get_json(
        sandbox_http,
        f"{url}/rest/1.0/artist/{DEMO.musicbrainz_id}",
        headers=SETLISTFM_JSON,
    )

    stats = await sandbox_control.stats(arrivals=True)
    services = stats["services"]

    assert services["spotify"]["endpoints"] == {"artist": 3, "artist_albums": 1}
    assert services["spotify_accounts"]["endpoints"] == {"token": 1}
    assert services["ticketmaster"]["requests"] == 2
    assert services["setlistfm"]["statuses"] == {"200": 1}
    arrivals = [a["at"] for a in services["spotify"]["arrivals"]]
    assert len(arrivals) == 4
    assert arrivals == sorted(arrivals)
    assert stats["requests"] == 8


async def test_resetting_the_counts_forgets_them(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    await get_json(sandbox_http, f"{sandbox.url}/discovery/v2/events.json", params=KEY)

    await sandbox_control.reset()

    assert await sandbox_control.stats() == {
        "requests": 0,
        "rate_limited": 0,
        "services": {},
    }


async def test_a_created_artist_is_served_by_all_three_services(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    created = await sandbox_control.create_artist(
        name="Brand New Band", albums=5, tracks=44, setlists=25, events=12
    )
    url = sandbox.url
    auth = await spotify_auth(sandbox_http, url)

    spotify, _ = await get_json(
        sandbox_http, f"{url}/v1/artists/{created['spotify_id']}", headers=auth
    )
    tm, attraction = await get_json(
        sandbox_http,
        f"{url}/discovery/v2/attractions/{created['ticketmaster_id']}",
        params=KEY,
    )
    sl, setlists = await get_json(
        sandbox_http,
        f"{url}/rest/1.0/artist/{created['musicbrainz_id']}/setlists",
        headers=SETLISTFM_JSON,
    )
    truths = [
        await sandbox_control.truth(created[k])
        for k in ("slug", "spotify_id", "musicbrainz_id")
    ]

    assert (spotify, tm, sl) == (200, 200, 200)
    assert attraction["upcomingEvents"]["_total"] == 12
    assert setlists["total"] == 25
    assert all(t == truths[0] for t in truths)
    assert (truths[0]["tracks"], truths[0]["releases"]) == (44, 5)


async def test_bad_artist_specs_are_refused(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    url = f"{sandbox.url}/_sandbox/artists"

    nameless = await post(sandbox_http, url, {"albums": 3})
    wrong_type = await post(sandbox_http, url, {"name": "X", "albums": "many"})
    too_big = await post(sandbox_http, url, {"name": "X", "events": 10**6})
    first = await post(sandbox_http, url, {"name": "Twice", "albums": 1, "tracks": 2})
    again = await post(sandbox_http, url, {"name": "Twice", "albums": 1, "tracks": 2})

    statuses = [s for s, _ in (nameless, wrong_type, too_big, first, again)]
    # The same name draws the same ids, and ids must stay unique.
    assert statuses == [400, 400, 400, 201, 409]


async def test_an_unknown_artist_has_no_truth(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await get_json(
        sandbox_http, f"{sandbox.url}/_sandbox/artists/nobody"
    )

    assert status == 404
    assert "nobody" in body["error"]


async def test_moving_an_event_changes_its_date_and_its_place_in_the_listing(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    listing = f"{sandbox.url}/discovery/v2/events.json"
    query = {"attractionId": TINY.ticketmaster_id or "", **KEY}
    _, before = await get_json(sandbox_http, listing, params=query)
    first = before["_embedded"]["events"][0]

    await sandbox_control.mutate(
        "move_event", event_id=first["id"], local_date="2099-12-31"
    )
    _, moved = await get_json(
        sandbox_http, f"{sandbox.url}/discovery/v2/events/{first['id']}", params=KEY
    )
    _, after = await get_json(sandbox_http, listing, params=query)

    assert moved["dates"]["start"]["localDate"] == "2099-12-31"
    assert moved["dates"]["timezone"] == first["dates"]["timezone"]
    dated = [
        e for e in after["_embedded"]["events"] if "localDate" in e["dates"]["start"]
    ]
    assert dated[-1]["id"] == first["id"]


async def test_removing_an_event_updates_the_listing_and_the_truth(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    query = {"attractionId": TINY.ticketmaster_id or "", **KEY}
    _, before = await get_json(
        sandbox_http, f"{sandbox.url}/discovery/v2/events.json", params=query
    )
    gone = before["_embedded"]["events"][0]["id"]

    await sandbox_control.mutate("remove_event", event_id=gone)
    status, _ = await get_json(
        sandbox_http, f"{sandbox.url}/discovery/v2/events/{gone}", params=KEY
    )
    truth = await sandbox_control.truth(TINY.ticketmaster_id or "")

    assert status == 404
    assert truth["events"] == before["page"]["totalElements"] - 1


async def test_an_event_status_can_change(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    query = {"attractionId": TINY.ticketmaster_id or "", **KEY}
    _, listing = await get_json(
        sandbox_http, f"{sandbox.url}/discovery/v2/events.json", params=query
    )
    event_id = listing["_embedded"]["events"][0]["id"]

    changed = await sandbox_control.mutate(
        "set_event_status", event_id=event_id, status="canceled"
    )

    assert changed["dates"]["status"] == {"code": "canceled"}
