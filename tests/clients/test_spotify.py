"""The Spotify client: its parsers on recorded bodies, and its calls to the sandbox."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from clients import spotify
from clients.errors import NotFound, RateLimited, Rejected, Unauthorized, Unavailable
from clients.parsing import MalformedError
from clients.sandbox.builtins import DEMO
from clients.spotify import SpotifyClient
from encore.settings import Settings
from tests.sandbox_fixtures import SandboxControl, SandboxFactory, settings_for_sandbox


def load(samples_dir: Path, name: str) -> Any:
    return json.loads((samples_dir / "spotify" / name).read_text())


GORILLAZ = "gorillaz_2025-08-31"


def test_recorded_gorillaz_pages_hold_81_albums_although_total_says_83(
    samples_dir: Path,
) -> None:
    pages = [
        spotify.parse_albums_page(
            load(
                samples_dir,
                f"{GORILLAZ}/artist_albums_3AA28KZvwAUcZuOKwyblJQ"
                f"_offset{offset:03d}_limit20.json",
            )
        )
        for offset in (0, 20, 40, 60, 80)
    ]

    assert sum(len(page.items) for page, _ in pages) == 81
    assert {page.total for page, _ in pages} == {83}
    short_page, next_url = pages[3]
    assert len(short_page.items) == 18
    assert next_url is not None
    assert pages[4][1] is None


def test_an_album_page_without_album_group_parses(samples_dir: Path) -> None:
    page, _ = spotify.parse_albums_page(
        load(samples_dir, "artist_albums_arctic_monkeys_2014_no_album_group.json")
    )

    assert page.items
    assert all(album.album_group is None for album in page.items)
    assert all(album.release_date is None for album in page.items)
    assert page.items[0].name == "AM"


def test_album_fields_are_read(samples_dir: Path) -> None:
    page, _ = spotify.parse_albums_page(
        load(
            samples_dir,
            f"{GORILLAZ}/artist_albums_3AA28KZvwAUcZuOKwyblJQ_offset000_limit20.json",
        )
    )
    album = page.items[0]

    assert album.album_group in {"album", "single", "compilation"}
    assert album.album_type in {"album", "single", "compilation"}
    assert "3AA28KZvwAUcZuOKwyblJQ" in album.artist_ids
    assert album.release_date_precision in {"year", "month", "day"}
    assert album.image_url is not None
    assert album.image_url.startswith("https://")


def test_an_artist_without_restricted_fields_reads_them_as_none() -> None:
    restricted = {"id": "3AA28KZvwAUcZuOKwyblJQ", "name": "Gorillaz", "images": []}

    artist = spotify.parse_artist(restricted)

    assert (artist.popularity, artist.followers, artist.genres) == (None, None, ())


def test_artist_fields_are_read(samples_dir: Path) -> None:
    artist = spotify.parse_artist(load(samples_dir, "artist_arctic_monkeys_2014.json"))

    assert artist.name == "Arctic Monkeys"
    assert artist.followers == 1469386
    assert artist.popularity == 73
    assert artist.image_url is not None
    assert "fa2e9ca1" in artist.image_url


def test_a_malformed_album_is_skipped_and_counted() -> None:
    body = {
        "items": [
            {"id": "a1", "name": "Good", "album_type": "album"},
            {"name": "No id"},
            "not an object",
        ],
        "next": None,
        "total": 3,
    }

    page, _ = spotify.parse_albums_page(body)

    assert [a.id for a in page.items] == ["a1"]
    assert page.skipped == 2
    assert len(page.warnings) == 2


def test_a_page_without_items_is_malformed() -> None:
    with pytest.raises(MalformedError):
        spotify.parse_albums_page({"albums": []})


def test_full_album_tracks_carry_the_album_id(samples_dir: Path) -> None:
    full = spotify.parse_full_album(
        load(samples_dir, f"{GORILLAZ}/albums/album_06RqqeArD7wnwaNBZrY71a.json")
    )

    assert full.album.id == "06RqqeArD7wnwaNBZrY71a"
    assert [t.album_id for t in full.tracks.items] == ["06RqqeArD7wnwaNBZrY71a"]
    assert full.next_tracks_url is None


def test_several_albums_keep_their_order_and_unknown_ids(samples_dir: Path) -> None:
    body = load(samples_dir, "several_albums_keane_docs_example.json")
    body["albums"].insert(1, None)

    entries = spotify.parse_several_albums(body)

    assert entries[1] is None
    assert isinstance(entries[0], spotify.FullAlbum)
    assert entries[0].album.id == "41MnTivkwTO3UUJ8DrqEJJ"
    assert entries[0].tracks.items


def test_top_tracks_carry_isrcs_and_their_albums(samples_dir: Path) -> None:
    page = spotify.parse_top_tracks(
        load(samples_dir, "artist_top_tracks_arctic_monkeys_country-US_2014.json")
    )

    assert page.items
    assert all(t.isrc for t in page.items)
    assert all(t.album_id for t in page.items)


def test_the_token_answer_reads_token_and_lifetime(samples_dir: Path) -> None:
    token, lifetime = spotify.parse_token(
        load(samples_dir, "token_client_credentials.json")
    )

    assert token
    assert lifetime == 3600


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (429, b"", RateLimited),
        (503, b"<html>busy</html>", Unavailable),
        (403, b'{"error": {"status": 403, "message": "Forbidden"}}', Rejected),
        (400, b'{"error": "invalid_client"}', Unauthorized),
        (404, b"not json at all", NotFound),
    ],
)
def test_error_translation_handles_any_body(
    status: int, body: bytes, kind: type[Exception]
) -> None:
    error = spotify.translate_error(status, body, "/v1/albums", {})

    assert type(error) is kind
    assert error.path == "/v1/albums"


# --- against the sandbox -------------------------------------------------------

SPOTIFY_ARTIST = DEMO.spotify_id or ""
UNKNOWN_ID = "0000000000000000000000"


@pytest.fixture
def quick(sandbox_settings: Settings) -> Settings:
    # The sandbox's limits are off: pace only loosely, for speed.
    return sandbox_settings.model_copy(
        update={
            "upstream_backoff_base": 0.05,
            "upstream_max_attempts": 3,
            "spotify_rate_per_second": 500.0,
        }
    )


@pytest.fixture
async def client(
    quick: Settings, redis_client: aioredis.Redis
) -> AsyncIterator[SpotifyClient]:
    async with SpotifyClient(quick, redis_client) as opened:
        yield opened


async def requests_to(control: SandboxControl, service: str) -> int:
    services = (await control.stats())["services"]
    return int(services.get(service, {}).get("requests", 0))


async def endpoint_calls(control: SandboxControl, endpoint: str) -> int:
    spotify_stats = (await control.stats())["services"].get("spotify", {})
    return int(spotify_stats.get("endpoints", {}).get(endpoint, 0))


async def test_concurrent_callers_share_one_token_request(
    client: SpotifyClient, sandbox_control: SandboxControl
) -> None:
    artists = await asyncio.gather(
        *(client.get_artist(SPOTIFY_ARTIST) for _ in range(10))
    )

    assert {a.name for a in artists} == {DEMO.name}
    assert await requests_to(sandbox_control, "spotify_accounts") == 1


async def test_a_token_expiring_mid_run_is_refreshed_exactly_once(
    client: SpotifyClient, sandbox_control: SandboxControl
) -> None:
    await client.get_artist(SPOTIFY_ARTIST)
    await sandbox_control.call(
        "POST", "/faults", {"kind": "token_expiry", "seconds": 0}
    )

    artists = await asyncio.gather(
        *(client.get_artist(SPOTIFY_ARTIST) for _ in range(8))
    )

    assert len(artists) == 8
    assert await requests_to(sandbox_control, "spotify_accounts") == 2
    statuses = (await sandbox_control.stats())["services"]["spotify"]["statuses"]
    assert statuses.get("401", 0) >= 1


async def test_a_token_near_its_lifetime_is_renewed_before_use(
    client: SpotifyClient, sandbox_control: SandboxControl
) -> None:
    await sandbox_control.configure(token_ttl_seconds=1)
    await client.get_artist(SPOTIFY_ARTIST)
    await asyncio.sleep(1.1)

    await client.get_artist(SPOTIFY_ARTIST)

    statuses = (await sandbox_control.stats())["services"]["spotify"]["statuses"]
    assert "401" not in statuses
    assert await requests_to(sandbox_control, "spotify_accounts") == 2


async def test_refused_credentials_are_unauthorized(
    quick: Settings, redis_client: aioredis.Redis, make_sandbox: SandboxFactory
) -> None:
    strict = await make_sandbox(spotify_clients={"someone-else": "secret"})
    settings = settings_for_sandbox(quick, strict.url)

    async with SpotifyClient(settings, redis_client) as spotify_client:
        with pytest.raises(Unauthorized):
            await spotify_client.get_artist(SPOTIFY_ARTIST)


async def test_artist_albums_are_read_page_by_page_to_the_end(
    client: SpotifyClient, sandbox_control: SandboxControl
) -> None:
    truth = await sandbox_control.truth(SPOTIFY_ARTIST)

    pages = [page async for page in client.iter_artist_albums(SPOTIFY_ARTIST)]

    albums = [album for page in pages for album in page.items]
    assert len(albums) == truth["albums_and_singles"]
    assert len({a.id for a in albums}) == len(albums)
    assert {a.album_group for a in albums} <= {"album", "single"}
    assert len(pages) == -(-len(albums) // 10)


async def test_album_tracks_come_in_batches_of_twenty(
    client: SpotifyClient, sandbox_control: SandboxControl
) -> None:
    truth = await sandbox_control.truth(SPOTIFY_ARTIST)
    albums = [
        a
        async for page in client.iter_artist_albums(SPOTIFY_ARTIST)
        for a in page.items
    ]

    tracks = await client.get_albums_tracks([a.id for a in albums])

    assert set(tracks) == {a.id for a in albums}
    assert (
        sum(len(p.items) for p in tracks.values()) == truth["album_and_single_tracks"]
    )
    assert await endpoint_calls(sandbox_control, "several_albums") == -(
        -len(albums) // 20
    )


async def test_a_refused_batch_endpoint_falls_back_to_single_albums(
    quick: Settings, redis_client: aioredis.Redis, make_sandbox: SandboxFactory
) -> None:
    restricted = await make_sandbox(spotify_batch_endpoints=False)
    settings = settings_for_sandbox(quick, restricted.url)

    async with SpotifyClient(settings, redis_client) as spotify_client:
        albums = [
            a
            async for page in spotify_client.iter_artist_albums(SPOTIFY_ARTIST)
            for a in page.items
        ]
        tracks = await spotify_client.get_albums_tracks([a.id for a in albums])
        again = await spotify_client.get_albums_tracks([albums[0].id])

    endpoints = restricted.state.traffic.summary()["services"]["spotify"]["endpoints"]
    assert set(tracks) == {a.id for a in albums}
    assert again[albums[0].id] == tracks[albums[0].id]
    # One refusal, then never asked again.
    assert endpoints["several_albums"] == 1
    assert endpoints["album_tracks"] == len(albums) + 1


async def test_the_batch_setting_off_means_single_albums_only(
    quick: Settings, redis_client: aioredis.Redis, sandbox_control: SandboxControl
) -> None:
    settings = quick.model_copy(update={"spotify_batch_endpoints": False})

    async with SpotifyClient(settings, redis_client) as spotify_client:
        tracks = await spotify_client.get_albums_tracks(
            [
                a.id
                async for p in spotify_client.iter_artist_albums(SPOTIFY_ARTIST)
                for a in p.items
            ][:3]
        )

    assert len(tracks) == 3
    assert await endpoint_calls(sandbox_control, "several_albums") == 0


async def test_albums_longer_than_their_embedded_tracks_page_on(
    client: SpotifyClient, sandbox_control: SandboxControl
) -> None:
    created = await sandbox_control.create_artist(
        name="Very Long Albums", albums=2, tracks=160, setlists=0, events=0
    )
    truth = await sandbox_control.truth(created["spotify_id"])
    groups = ("album", "single", "compilation", "appears_on")
    albums = [
        a
        async for page in client.iter_artist_albums(created["spotify_id"], groups)
        for a in page.items
    ]

    tracks = await client.get_albums_tracks([a.id for a in albums])

    assert sum(len(p.items) for p in tracks.values()) == truth["tracks"]
    assert max(len(p.items) for p in tracks.values()) > 50
    assert await endpoint_calls(sandbox_control, "album_tracks") >= 1


async def test_unknown_albums_are_left_out(client: SpotifyClient) -> None:
    albums = [
        a async for p in client.iter_artist_albums(SPOTIFY_ARTIST) for a in p.items
    ]

    tracks = await client.get_albums_tracks([albums[0].id, UNKNOWN_ID])

    assert set(tracks) == {albums[0].id}


async def test_an_unknown_artist_is_not_found(client: SpotifyClient) -> None:
    with pytest.raises(NotFound) as caught:
        await client.get_artist(UNKNOWN_ID)

    assert caught.value.code == "NOT_FOUND"
    assert caught.value.service == "spotify"


async def test_search_returns_every_look_alike(client: SpotifyClient) -> None:
    page = await client.search_artists("Foo", limit=10)

    names = [a.name for a in page.items]
    assert {"Foo", "Foo!"} <= set(names)


async def test_retry_after_seconds_from_the_sandbox_is_honoured(
    client: SpotifyClient, sandbox_control: SandboxControl
) -> None:
    await sandbox_control.arm(
        kind="rate_limit", service="spotify", endpoint="artist", seconds=1
    )

    await client.get_artist(SPOTIFY_ARTIST)

    arrivals = (await sandbox_control.stats(arrivals=True))["services"]["spotify"][
        "arrivals"
    ]
    first, second = (a["at"] for a in arrivals[:2])
    assert arrivals[0]["status"] == 429
    assert second - first >= 1.0


async def test_the_recorded_gorillaz_import_is_read_whole(
    quick: Settings,
    redis_client: aioredis.Redis,
    make_sandbox: SandboxFactory,
    samples_dir: Path,
) -> None:
    recorded = await make_sandbox(recordings_dir=samples_dir)
    settings = settings_for_sandbox(quick, recorded.url).model_copy(
        update={"spotify_market": None}
    )
    groups = ("album", "single", "compilation")

    async with SpotifyClient(settings, redis_client) as spotify_client:
        artist = await spotify_client.get_artist("3AA28KZvwAUcZuOKwyblJQ")
        albums = [
            a
            async for p in spotify_client.iter_artist_albums(artist.id, groups)
            for a in p.items
        ]
        tracks = await spotify_client.get_albums_tracks([a.id for a in albums])

    assert artist.name == "Gorillaz"
    assert len(albums) == 81
    # Two albums were never recorded: the sandbox answers 404 for them.
    assert len(tracks) == 79
    assert all(page.items for page in tracks.values())
