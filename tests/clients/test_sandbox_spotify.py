"""The sandbox's Spotify: accounts service, paging and errors in Spotify's shapes."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy

from clients.sandbox import RunningSandbox
from clients.sandbox.builtins import DEMO, TINY
from tests.sandbox_fixtures import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SandboxControl,
    SandboxFactory,
    spotify_auth,
)

UNKNOWN_ID = "0TnOYISbd1XYRBk9myase0"


async def get_json(
    session: aiohttp.ClientSession, url: str, **kwargs: Any
) -> tuple[int, Any, CIMultiDictProxy[str]]:
    async with session.get(url, **kwargs) as response:
        return response.status, await response.json(content_type=None), response.headers


async def post_token(
    session: aiohttp.ClientSession, url: str, client_id: str, secret: str
) -> tuple[int, Any]:
    auth = aiohttp.encode_basic_auth(client_id, secret)
    async with session.post(
        f"{url}/api/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": auth},
    ) as response:
        return response.status, await response.json()


async def test_a_token_is_issued_for_client_credentials(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body = await post_token(
        sandbox_http, sandbox.url, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
    )

    assert status == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"]


async def test_a_bad_client_gets_invalid_client(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(spotify_clients={"known": "secret"})

    wrong_secret = await post_token(sandbox_http, sandbox.url, "known", "guess")
    unknown = await post_token(sandbox_http, sandbox.url, "stranger", "secret")
    right = await post_token(sandbox_http, sandbox.url, "known", "secret")

    assert wrong_secret == (
        400,
        {"error": "invalid_client", "error_description": "Invalid client secret"},
    )
    assert unknown == (
        400,
        {"error": "invalid_client", "error_description": "Invalid client"},
    )
    assert right[0] == 200


async def test_an_unknown_bearer_is_told_its_token_expired(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    status, body, headers = await get_json(
        sandbox_http,
        f"{sandbox.url}/v1/artists/{DEMO.spotify_id}",
        headers={"Authorization": "Bearer forgotten"},
    )

    assert status == 401
    assert body == {"error": {"status": 401, "message": "The access token expired"}}
    assert 'error="invalid_token"' in headers["WWW-Authenticate"]


async def test_tokens_expire_after_their_ttl(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(token_ttl_seconds=0.3)
    auth = await spotify_auth(sandbox_http, sandbox.url)
    artist = f"{sandbox.url}/v1/artists/{DEMO.spotify_id}"

    fresh, _, _ = await get_json(sandbox_http, artist, headers=auth)
    await asyncio.sleep(0.4)
    stale, body, _ = await get_json(sandbox_http, artist, headers=auth)

    assert (fresh, stale) == (200, 401)
    assert body["error"]["message"] == "The access token expired"


async def test_a_token_expiry_fault_cuts_live_tokens_short(
    sandbox: RunningSandbox,
    sandbox_control: SandboxControl,
    sandbox_http: aiohttp.ClientSession,
) -> None:
    auth = await spotify_auth(sandbox_http, sandbox.url)
    artist = f"{sandbox.url}/v1/artists/{DEMO.spotify_id}"

    await sandbox_control.arm(kind="token_expiry", seconds=0)
    status, _, _ = await get_json(sandbox_http, artist, headers=auth)
    renewed = await spotify_auth(sandbox_http, sandbox.url)
    again, _, _ = await get_json(sandbox_http, artist, headers=renewed)

    assert (status, again) == (401, 200)


async def test_album_pages_link_back_to_the_sandbox_and_honour_include_groups(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    auth = await spotify_auth(sandbox_http, sandbox.url)
    albums = f"{sandbox.url}/v1/artists/{DEMO.spotify_id}/albums"
    address: str | None = f"{albums}?include_groups=single&limit=7"
    seen: list[dict[str, Any]] = []
    totals = set()
    while address:
        assert address.startswith(sandbox.url)
        status, page, _ = await get_json(sandbox_http, address, headers=auth)
        assert status == 200
        assert page["limit"] == 7
        seen += page["items"]
        totals.add(page["total"])
        address = page["next"]

    assert totals == {len(seen)}
    assert len(seen) > 7
    assert {a["album_group"] for a in seen} == {"single"}
    assert len({a["id"] for a in seen}) == len(seen)


async def test_a_limit_above_fifty_is_refused(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    auth = await spotify_auth(sandbox_http, sandbox.url)

    status, body, _ = await get_json(
        sandbox_http,
        f"{sandbox.url}/v1/artists/{DEMO.spotify_id}/albums?limit=51",
        headers=auth,
    )

    assert status == 400
    assert body == {"error": {"status": 400, "message": "Invalid limit"}}


async def test_an_album_embeds_fifty_tracks_and_pages_the_rest(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(builtin_artists=False)
    control = SandboxControl(sandbox_http, sandbox.url)
    created = await control.create_artist(name="Long Player", albums=1, tracks=64)
    auth = await spotify_auth(sandbox_http, sandbox.url)
    _, listing, _ = await get_json(
        sandbox_http,
        f"{sandbox.url}/v1/artists/{created['spotify_id']}/albums",
        headers=auth,
    )
    album_id = listing["items"][0]["id"]

    _, album, _ = await get_json(
        sandbox_http, f"{sandbox.url}/v1/albums/{album_id}", headers=auth
    )
    _, rest, _ = await get_json(sandbox_http, album["tracks"]["next"], headers=auth)

    assert album["total_tracks"] == album["tracks"]["total"] == 64
    assert len(album["tracks"]["items"]) == 50
    assert [t["track_number"] for t in rest["items"]] == list(range(51, 65))


async def test_several_albums_answer_null_for_unknown_ids(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    auth = await spotify_auth(sandbox_http, sandbox.url)
    _, listing, _ = await get_json(
        sandbox_http, f"{sandbox.url}/v1/artists/{TINY.spotify_id}/albums", headers=auth
    )
    known = [a["id"] for a in listing["items"]]

    status, body, _ = await get_json(
        sandbox_http,
        f"{sandbox.url}/v1/albums?ids={','.join([*known, UNKNOWN_ID])}",
        headers=auth,
    )
    too_many, _, _ = await get_json(
        sandbox_http,
        f"{sandbox.url}/v1/albums?ids={','.join([UNKNOWN_ID] * 21)}",
        headers=auth,
    )

    assert status == 200
    assert [a["id"] for a in body["albums"][:-1]] == known
    assert body["albums"][-1] is None
    assert too_many == 400


async def test_development_mode_refuses_the_batch_endpoints(
    make_sandbox: SandboxFactory, sandbox_http: aiohttp.ClientSession
) -> None:
    sandbox = await make_sandbox(spotify_batch_endpoints=False)
    auth = await spotify_auth(sandbox_http, sandbox.url)

    status, _, _ = await get_json(
        sandbox_http, f"{sandbox.url}/v1/albums?ids={UNKNOWN_ID}", headers=auth
    )

    assert status == 403


async def test_ids_are_checked_and_unknown_ones_are_not_found(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    auth = await spotify_auth(sandbox_http, sandbox.url)

    malformed = await get_json(
        sandbox_http, f"{sandbox.url}/v1/albums/nope", headers=auth
    )
    missing = await get_json(
        sandbox_http, f"{sandbox.url}/v1/albums/{UNKNOWN_ID}", headers=auth
    )

    assert malformed[:2] == (400, {"error": {"status": 400, "message": "invalid id"}})
    assert missing[:2] == (
        404,
        {"error": {"status": 404, "message": "non existing id"}},
    )


async def test_a_track_carries_its_isrc(
    sandbox: RunningSandbox, sandbox_http: aiohttp.ClientSession
) -> None:
    auth = await spotify_auth(sandbox_http, sandbox.url)
    _, listing, _ = await get_json(
        sandbox_http, f"{sandbox.url}/v1/artists/{TINY.spotify_id}/albums", headers=auth
    )
    _, tracks, _ = await get_json(
        sandbox_http,
        f"{sandbox.url}/v1/albums/{listing['items'][0]['id']}/tracks",
        headers=auth,
    )
    first = tracks["items"][0]

    status, full, _ = await get_json(
        sandbox_http, f"{sandbox.url}/v1/tracks/{first['id']}", headers=auth
    )

    assert status == 200
    assert full["album"]["id"] == listing["items"][0]["id"]
    assert len(full["external_ids"]["isrc"]) == 12
