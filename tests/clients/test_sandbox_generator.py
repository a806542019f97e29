"""The sandbox's generator mode, seen over HTTP as a client sees it."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import aiohttp

from clients.sandbox import RunningSandbox
from clients.sandbox.builtins import DEMO, FOO, FOO_BANG, NO_MBID, NO_SPOTIFY_LINK, TINY
from clients.sandbox.store import fold
from tests.sandbox_fixtures import (
    SANDBOX_API_KEY,
    SETLISTFM_JSON,
    SandboxControl,
    SandboxFactory,
    spotify_auth,
)

TODAY = dt.date(2026, 5, 1)
TM_KEY = {"apikey": SANDBOX_API_KEY}


async def get_json(
    session: aiohttp.ClientSession, url: str, **kwargs: Any
) -> tuple[int, Any]:
    async with session.get(url, **kwargs) as response:
        return response.status, await response.json(content_type=None)


async def served_bytes(
    session: aiohttp.ClientSession, sandbox: RunningSandbox
) -> list[bytes]:
    url = sandbox.url
    auth = await spotify_auth(session, url)
    requests = [
        (f"{url}/v1/artists/{DEMO.spotify_id}/albums?limit=50", auth),
        (f"{url}/v1/search?q=midnight&type=artist", auth),
        (f"{url}/discovery/v2/events.json?attractionId={DEMO.ticketmaster_id}&size=50"
         f"&apikey={SANDBOX_API_KEY}", {}),
        (f"{url}/rest/1.0/artist/{DEMO.musicbrainz_id}/setlists?p=2", SETLISTFM_JSON),
    ]  # fmt: skip
    bodies = []
    for address, headers in requests:
        async with session.get(address, headers=headers) as response:
            assert response.status == 200
            # Paging links name the sandbox's own port; the rest must not differ.
            bodies.append((await response.read()).replace(url.encode(), b""))
    return bodies


async def test_the_same_seed_serves_the_same_bytes(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    first = await make_sandbox(seed=7, today=TODAY)
    second = await make_sandbox(seed=7, today=TODAY)

    assert await served_bytes(sandbox_http, first) == await served_bytes(
        sandbox_http, second
    )


async def test_another_seed_serves_other_records(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    first = await make_sandbox(seed=7, today=TODAY)
    other = await make_sandbox(seed=8, today=TODAY)

    mine = await served_bytes(sandbox_http, first)
    theirs = await served_bytes(sandbox_http, other)

    assert all(a != b for a, b in zip(mine, theirs, strict=True))


async def all_spotify_albums(
    session: aiohttp.ClientSession, url: str, artist_id: str, groups: str
) -> list[dict[str, Any]]:
    auth = await spotify_auth(session, url)
    address: str | None = (
        f"{url}/v1/artists/{artist_id}/albums?include_groups={groups}&limit=50"
    )
    items: list[dict[str, Any]] = []
    while address:
        status, page = await get_json(session, address, headers=auth)
        assert status == 200
        items += page["items"]
        address = page["next"]
    return items


async def events_by_windows(
    session: aiohttp.ClientSession, url: str, attraction_id: str
) -> list[str]:
    """Every event id, as a client must list more than 1,000: window by window."""
    ids: list[str] = []
    base = f"{url}/discovery/v2/events.json"
    start = dt.datetime.combine(TODAY, dt.time(), dt.UTC)
    for _ in range(30):
        end = start + dt.timedelta(days=200)
        window = {
            "attractionId": attraction_id,
            "startDateTime": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "endDateTime": (end - dt.timedelta(seconds=1)).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "size": "199",
            "sort": "date,asc",
            **TM_KEY,
        }
        page, pages = 0, 1
        while page < pages:
            status, body = await get_json(
                session, base, params={**window, "page": str(page)}
            )
            assert status == 200, body
            assert body["page"]["totalElements"] < 1000
            ids += [e["id"] for e in body.get("_embedded", {}).get("events", [])]
            pages = body["page"]["totalPages"]
            page += 1
        start = end
    undated = {
        "attractionId": attraction_id,
        "includeTBA": "only",
        "includeTBD": "only",
    }
    status, body = await get_json(
        session, base, params={**undated, "size": "199", **TM_KEY}
    )
    ids += [e["id"] for e in body.get("_embedded", {}).get("events", [])]
    return ids


async def test_a_large_artist_is_served_at_the_sizes_asked(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(today=TODAY, builtin_artists=False)
    control = SandboxControl(sandbox_http, sandbox.url)
    sizes = {"albums": 300, "tracks": 3000, "setlists": 1500, "events": 1200}

    created = await control.create_artist(name="The Big Parade", **sizes)
    truth = await control.truth(created["slug"])

    albums = await all_spotify_albums(
        sandbox_http,
        sandbox.url,
        created["spotify_id"],
        "album,single,compilation,appears_on",
    )
    assert len(albums) == truth["releases"] == 300
    assert sum(a["total_tracks"] for a in albums) == truth["tracks"] == 3000
    setlists = f"{sandbox.url}/rest/1.0/artist/{created['musicbrainz_id']}/setlists"
    status, last = await get_json(
        sandbox_http, setlists + "?p=75", headers=SETLISTFM_JSON
    )
    assert status == 200
    assert (
        (last["total"], len(last["setlist"])) == (1500, 20) == (truth["setlists"], 20)
    )
    status, _ = await get_json(sandbox_http, setlists + "?p=76", headers=SETLISTFM_JSON)
    assert status == 404
    ids = await events_by_windows(sandbox_http, sandbox.url, created["ticketmaster_id"])
    assert len(ids) == len(set(ids)) == truth["events"] == 1200


async def test_one_event_query_refuses_to_page_past_the_thousandth_item(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(today=TODAY, builtin_artists=False)
    control = SandboxControl(sandbox_http, sandbox.url)
    created = await control.create_artist(
        name="Deep Pages", albums=1, tracks=1, events=1200
    )
    base = f"{sandbox.url}/discovery/v2/events.json"
    query = {"attractionId": created["ticketmaster_id"], **TM_KEY}

    status, refused = await get_json(
        sandbox_http, base, params={**query, "size": "100", "page": "10"}
    )
    _, edge = await get_json(
        sandbox_http, base, params={**query, "size": "199", "page": "5"}
    )

    assert status == 400
    assert refused["errors"][0]["code"] == "DIS1035"
    assert edge["page"]["totalElements"] == 1200
    assert len(edge["_embedded"]["events"]) == 1000 - 5 * 199


async def demo_discography(
    session: aiohttp.ClientSession, url: str
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    auth = await spotify_auth(session, url)
    groups = "album,single,compilation,appears_on"
    albums = await all_spotify_albums(session, url, DEMO.spotify_id or "", groups)
    out = []
    for album in albums:
        status, tracks = await get_json(
            session, f"{url}/v1/albums/{album['id']}/tracks?limit=50", headers=auth
        )
        assert status == 200
        out.append((album, tracks["items"]))
    return out


async def test_the_demo_catalog_holds_the_hard_cases(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    discography = await demo_discography(sandbox_http, sandbox.url)
    names = [t["name"] for _, tracks in discography for t in tracks]
    by_album = {a["id"]: {t["name"] for t in tracks} for a, tracks in discography}
    groups = Counter(a["album_group"] for a, _ in discography)
    album_names = Counter(
        a["name"] for a, _ in discography if a["album_group"] == "album"
    )

    for pattern in (
        r" - .+ Remix$", r" \(Remix\)$", r" - Demo$|\(Demo\)$", r" - Instrumental$",
        r" - \d{4} Remaster$", r" - Radio Edit$", r"\(feat\. .+\)", r" - Live|\(Live\)",
    ):  # fmt: skip
        assert any(re.search(pattern, n) for n in names), pattern
    assert "Live Forever" in names
    assert "Demo Tape Blues" in names
    assert any(a["name"].startswith("Live at ") for a, _ in discography)
    assert set(groups) == {"album", "single", "compilation", "appears_on"}
    assert any(count > 1 for count in album_names.values()), "a release twice, new id"
    deluxe = [a for a, _ in discography if a["name"].endswith("(Deluxe Edition)")]
    assert deluxe
    for edition in deluxe:
        base = next(
            a
            for a, _ in discography
            if a["name"] == edition["name"].removesuffix(" (Deluxe Edition)")
        )
        assert by_album[base["id"]] < by_album[edition["id"]]
    album_songs = set().union(
        *(by_album[a["id"]] for a, _ in discography if a["album_group"] == "album")
    )
    singles = [a for a, _ in discography if a["album_group"] == "single"]
    assert any(by_album[s["id"]] & album_songs for s in singles), (
        "singles carry album songs"
    )


async def test_the_demo_setlists_hold_tapes_covers_encores_and_empty_sets(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    base = f"{sandbox.url}/rest/1.0/artist/{DEMO.musicbrainz_id}/setlists"
    setlists: list[dict[str, Any]] = []
    for page in range(1, 11):
        status, body = await get_json(
            sandbox_http, f"{base}?p={page}", headers=SETLISTFM_JSON
        )
        assert status == 200
        setlists += body["setlist"]
    songs = [s for one in setlists for part in one["sets"]["set"] for s in part["song"]]
    dates = [dt.datetime.strptime(s["eventDate"], "%d-%m-%Y").date() for s in setlists]

    assert len(setlists) == 200
    assert dates == sorted(dates, reverse=True)
    assert dates[0] < dt.date.today()
    assert any(s.get("tape") for s in songs)
    assert any("cover" in s and not s.get("tape") for s in songs)
    assert any(part.get("encore") for one in setlists for part in one["sets"]["set"])
    assert any(one["sets"]["set"] == [] for one in setlists)
    assert all(re.fullmatch(r"[0-9a-f]{8}", one["id"]) for one in setlists)


async def test_the_ground_truth_accounts_for_every_served_track(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    truth = await sandbox_control.truth(TINY.spotify_id or "")
    albums = await all_spotify_albums(
        sandbox_http, sandbox.url, TINY.spotify_id or "", "album,single"
    )
    auth = await spotify_auth(sandbox_http, sandbox.url)
    served = []
    for album in albums:
        _, tracks = await get_json(
            sandbox_http, f"{sandbox.url}/v1/albums/{album['id']}/tracks", headers=auth
        )
        served += [t["id"] for t in tracks["items"]]
    claimed = [t["id"] for c in truth["compositions"] for t in c["tracks"]]
    studio = [c for c in truth["compositions"] if c["studio_song"]]

    assert sorted(served) == sorted(claimed)
    assert len(studio) == truth["studio_songs"] > 0
    assert len(albums) == truth["albums_and_singles"]


async def test_the_three_services_agree_on_the_demo_artist(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    url = sandbox.url
    _, attraction = await get_json(
        sandbox_http,
        f"{url}/discovery/v2/attractions/{DEMO.ticketmaster_id}.json",
        params=TM_KEY,
    )
    links = attraction["externalLinks"]
    spotify_id = links["spotify"][0]["url"].rsplit("/", 1)[-1]
    mbid = links["musicbrainz"][0]["id"]
    auth = await spotify_auth(sandbox_http, url)
    _, artist = await get_json(
        sandbox_http, f"{url}/v1/artists/{spotify_id}", headers=auth
    )
    _, listed = await get_json(
        sandbox_http, f"{url}/rest/1.0/artist/{mbid}", headers=SETLISTFM_JSON
    )
    _, events = await get_json(
        sandbox_http,
        f"{url}/discovery/v2/events.json",
        params={"attractionId": attraction["id"], "size": "100", **TM_KEY},
    )
    _, setlists = await get_json(
        sandbox_http, f"{url}/rest/1.0/artist/{mbid}/setlists", headers=SETLISTFM_JSON
    )
    venues = [e["_embedded"]["venues"][0] for e in events["_embedded"]["events"]]
    played_at = {(v["name"], v["city"]["name"]) for v in venues}
    setlist_venues = {
        (s["venue"]["name"], s["venue"]["city"]["name"]) for s in setlists["setlist"]
    }

    assert artist["name"] == listed["name"] == attraction["name"] == DEMO.name
    assert attraction["url"].endswith(f"/artist/{listed['tmid']}")
    assert re.fullmatch(r"K8vZ917\w{4}", attraction["id"])
    assert len({v["timezone"] for v in venues}) >= 3
    assert played_at & setlist_venues, "some past shows were at venues it plays again"


async def test_a_large_artist_has_every_kind_of_event(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(today=TODAY, builtin_artists=False)
    control = SandboxControl(sandbox_http, sandbox.url)
    created = await control.create_artist(
        name="Road Warriors", albums=2, tracks=20, events=400
    )
    base = f"{sandbox.url}/discovery/v2/events.json"
    events: list[dict[str, Any]] = []
    for page in range(3):
        params = {
            "attractionId": created["ticketmaster_id"],
            "size": "199",
            "page": str(page),
        }
        _, body = await get_json(sandbox_http, base, params={**params, **TM_KEY})
        events += body["_embedded"]["events"]
    starts = [e["dates"]["start"] for e in events]
    statuses = {e["dates"]["status"]["code"] for e in events}
    line_ups = [[a["id"] for a in e["_embedded"]["attractions"]] for e in events]

    assert len(events) == 400
    assert statuses == {"onsale", "offsale", "canceled", "postponed", "rescheduled"}
    assert any("localDate" not in s and s["dateTBA"] for s in starts)
    assert any(
        "localDate" in s and "localTime" not in s and s["timeTBA"] for s in starts
    )
    assert any(
        len(ids) > 1 and ids[0] == created["ticketmaster_id"] for ids in line_ups
    )
    assert any(ids[0] != created["ticketmaster_id"] for ids in line_ups), (
        "as support act"
    )


async def test_the_builtin_artists_cover_the_identity_cases(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    url = sandbox.url
    auth = await spotify_auth(sandbox_http, url)
    attraction_url = f"{url}/discovery/v2/attractions"
    _, static = await get_json(
        sandbox_http, f"{attraction_url}/{NO_MBID.ticketmaster_id}", params=TM_KEY
    )
    _, harbor = await get_json(
        sandbox_http,
        f"{attraction_url}/{NO_SPOTIFY_LINK.ticketmaster_id}",
        params=TM_KEY,
    )
    _, found = await get_json(
        sandbox_http, f"{url}/v1/search?q=velvet%20harbor&type=artist", headers=auth
    )
    status, _ = await get_json(
        sandbox_http,
        f"{url}/rest/1.0/search/artists?artistName=static%20bloom",
        headers=SETLISTFM_JSON,
    )
    _, owls = await get_json(
        sandbox_http, attraction_url, params={"keyword": "midnight owls", **TM_KEY}
    )
    _, foos = await get_json(
        sandbox_http, f"{url}/v1/search?q=artist:foo&type=artist", headers=auth
    )

    assert "musicbrainz" not in static["externalLinks"]
    assert status == 404
    assert "spotify" not in harbor["externalLinks"]
    assert found["artists"]["items"][0]["id"] == NO_SPOTIFY_LINK.spotify_id
    owl_names = [a["name"] for a in owls["_embedded"]["attractions"]]
    assert owl_names[0] == DEMO.name
    assert {"The Midnight Owls Tribute", "Midnight Owls Experience"} <= set(owl_names)
    foo_items = foos["artists"]["items"]
    assert [a["id"] for a in foo_items[:2]] == [FOO_BANG.spotify_id, FOO.spotify_id]
    assert fold(foo_items[0]["name"]) == fold(foo_items[1]["name"])
