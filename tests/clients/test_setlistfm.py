"""The setlist.fm client: parsers on recorded bodies, and its listings."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from clients import setlistfm
from clients.errors import NotFound, RateLimited, Unauthorized
from clients.parsing import MalformedError
from clients.sandbox.builtins import DEMO
from clients.setlistfm import SetlistFmClient
from encore.settings import Settings
from tests.conftest import REPO_ROOT
from tests.sandbox_fixtures import SandboxControl, SandboxFactory, settings_for_sandbox


def load(samples_dir: Path, name: str) -> Any:
    return json.loads((samples_dir / "setlistfm" / name).read_text())


def setlist(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "63de4613",
        "eventDate": "04-09-2018",
        "artist": {"mbid": "b10bbbfc-cf9e-42e0-be17-e2c3e1d2600d", "name": "X"},
        "venue": {"id": "v1", "name": "Hall"},
        "sets": {"set": []},
    }
    return {**base, **overrides}


def test_event_dates_are_day_month_year() -> None:
    assert setlistfm.parse_setlist(setlist()).event_date == dt.date(2018, 9, 4)


def test_sets_carry_encores_covers_tapes_and_guests(samples_dir: Path) -> None:
    page = setlistfm.parse_setlists_page(
        load(samples_dir, "babymetal_2017/artist_setlists_p2.json")
    )
    songs = [song for s in page.items for part in s.sets for song in part.songs]
    both = [song for song in songs if song.cover_of and song.with_artist]

    assert page.total == 214
    assert len(page.items) == 20
    assert both
    assert both[0].cover_of == "Judas Priest"


def test_encore_numbers_and_tapes_are_read(samples_dir: Path) -> None:
    page = setlistfm.parse_setlists_page(
        load(samples_dir, "radiohead_2018/artist_setlists_p1.json")
    )
    sets = [part for s in page.items for part in s.sets]
    songs = [song for part in sets for song in part.songs]

    assert {part.encore for part in sets} >= {0, 1, 2}
    assert any(song.tape for song in songs)
    assert page.items[0].last_updated is not None
    assert page.items[0].last_updated.tzinfo is not None


def test_a_set_given_as_one_object_and_string_coordinates_parse() -> None:
    raw = setlist(
        venue={
            "id": "v1",
            "name": "Hall",
            "city": {
                "id": "1",
                "name": "Oslo",
                "coords": {"lat": "59.91", "long": "10.75"},
                "country": {"code": "NO", "name": "Norway"},
            },
        },
        sets={"set": {"encore": "1", "song": {"name": "One", "tape": "true"}}},
    )

    parsed = setlistfm.parse_setlist(raw)

    assert parsed.venue is not None
    assert (parsed.venue.latitude, parsed.venue.longitude) == (59.91, 10.75)
    assert parsed.venue.country == "NO"
    assert len(parsed.sets) == 1
    assert parsed.sets[0].encore == 1
    assert parsed.sets[0].songs[0].tape


def test_a_venue_without_a_city_and_empty_sets_parse(samples_dir: Path) -> None:
    parsed = setlistfm.parse_setlist(
        load(samples_dir, "setlist_version_bloc-party_venue_without_city.json")
    )
    empty = setlistfm.parse_setlist(setlist(sets={"set": []}, tour=None))

    assert parsed.venue is not None
    assert parsed.venue.city is None
    assert parsed.tour == "Intimacy Tour"
    assert [part.encore for part in parsed.sets] == [0, 1, 2]
    assert empty.sets == ()
    assert empty.tour is None


def test_a_setlist_with_a_bad_date_is_skipped_and_counted() -> None:
    body = {
        "type": "setlists",
        "itemsPerPage": 20,
        "page": 1,
        "total": 2,
        "setlist": [setlist(), setlist(id="2", eventDate="2018-09-04")],
    }

    page = setlistfm.parse_setlists_page(body)

    assert [s.id for s in page.items] == ["63de4613"]
    assert page.skipped == 1
    assert "eventDate" in page.warnings[0]


def test_a_body_that_is_no_listing_is_malformed() -> None:
    with pytest.raises(MalformedError):
        setlistfm.parse_setlists_page({"hello": "world"})
    with pytest.raises(MalformedError):
        setlistfm.parse_setlists_page([1, 2, 3])


def test_artists_read_tmid_and_disambiguation(samples_dir: Path) -> None:
    page = setlistfm.parse_artists_page(
        load(samples_dir, "search_artists_tmid-735610.json")
    )

    assert {a.tmid for a in page.items} == {735610}
    assert len(page.items) == 3


@pytest.mark.parametrize(
    ("status", "kind"), [(404, NotFound), (403, Unauthorized), (429, RateLimited)]
)
def test_error_statuses_map_to_kinds(status: int, kind: type[Exception]) -> None:
    error = setlistfm.translate_error(status, b"", "/rest/1.0/artist/x", {})

    assert type(error) is kind


# --- against the sandbox -------------------------------------------------------

DEMO_MBID = DEMO.musicbrainz_id or ""
UNKNOWN_MBID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def quick(sandbox_settings: Settings) -> Settings:
    # The sandbox's limits are off: pace only loosely, for speed.
    return sandbox_settings.model_copy(
        update={
            "upstream_backoff_base": 0.05,
            "upstream_max_attempts": 3,
            "setlistfm_rate_per_second": 500.0,
        }
    )


@pytest.fixture
async def client(
    quick: Settings, redis_client: aioredis.Redis
) -> AsyncIterator[SetlistFmClient]:
    async with SetlistFmClient(quick, redis_client) as opened:
        yield opened


async def test_every_setlist_is_read_and_paging_stops_at_the_total(
    client: SetlistFmClient, sandbox_control: SandboxControl
) -> None:
    truth = await sandbox_control.truth(DEMO_MBID)

    pages = [page async for page in client.iter_setlists(DEMO_MBID)]

    setlists = [s for page in pages for s in page.items]
    assert len(setlists) == truth["setlists"] == 200
    assert len({s.id for s in setlists}) == 200
    assert all(s.artist_mbid == DEMO_MBID for s in setlists)
    dates = [s.event_date for s in setlists]
    assert dates == sorted(dates, reverse=True)
    # Ten pages of twenty, and no request for an eleventh.
    stats = (await sandbox_control.stats())["services"]["setlistfm"]
    assert stats["requests"] == 10
    assert stats["statuses"] == {"200": 10}


async def test_max_pages_stops_early(client: SetlistFmClient) -> None:
    pages = [page async for page in client.iter_setlists(DEMO_MBID, max_pages=2)]

    assert [len(p.items) for p in pages] == [20, 20]


async def test_sets_come_with_encores_tapes_and_covers(client: SetlistFmClient) -> None:
    songs = [
        song
        async for page in client.iter_setlists(DEMO_MBID, max_pages=5)
        for setlist in page.items
        for part in setlist.sets
        for song in part.songs
    ]

    assert any(song.tape for song in songs)
    assert any(song.cover_of for song in songs)


async def test_a_listing_404_means_no_setlists(client: SetlistFmClient) -> None:
    pages = [page async for page in client.iter_setlists(UNKNOWN_MBID)]

    assert [p.items for p in pages] == [()]


async def test_a_search_without_hits_is_empty(client: SetlistFmClient) -> None:
    page = await client.search_artists(name="Zyxwvut Nobody Plays")

    assert page.items == ()


async def test_a_search_by_mbid_finds_the_artist(client: SetlistFmClient) -> None:
    page = await client.search_artists(mbid=DEMO_MBID)

    assert [a.name for a in page.items] == [DEMO.name]


async def test_an_unknown_artist_is_not_found(client: SetlistFmClient) -> None:
    with pytest.raises(NotFound) as caught:
        await client.get_artist(UNKNOWN_MBID)

    assert caught.value.status == 404
    assert caught.value.code == "NOT_FOUND"


async def test_a_refused_key_is_unauthorized(
    quick: Settings, redis_client: aioredis.Redis, make_sandbox: SandboxFactory
) -> None:
    strict = await make_sandbox(setlistfm_api_keys=frozenset({"another-key"}))
    settings = settings_for_sandbox(quick, strict.url)

    async with SetlistFmClient(settings, redis_client) as setlistfm_client:
        with pytest.raises(Unauthorized):
            await setlistfm_client.get_artist(DEMO_MBID)


HAMMER = """
import asyncio, sys, time

import redis.asyncio as aioredis

from clients.setlistfm import SetlistFmClient
from encore.settings import get_settings


async def main(mbid: str, seconds: float, tasks: int) -> None:
    settings = get_settings()
    redis = aioredis.Redis.from_url(settings.redis_url)
    done = 0
    deadline = time.monotonic() + seconds

    async def hammer() -> None:
        nonlocal done
        while time.monotonic() < deadline:
            await client.get_artist(mbid)
            done += 1

    async with SetlistFmClient(settings, redis) as client:
        await asyncio.gather(*(hammer() for _ in range(tasks)))
    await redis.aclose()
    print(done)


asyncio.run(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3])))
"""


@pytest.mark.slow
async def test_three_processes_together_stay_under_two_per_second(
    settings: Settings,
    redis_client: aioredis.Redis,
    make_sandbox: SandboxFactory,
    tmp_path: Path,
) -> None:
    limited = await make_sandbox(rate_limits=True)
    script = tmp_path / "hammer.py"
    script.write_text(HAMMER)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "REDIS_URL": settings.redis_url,
        "SETLISTFM_API_URL": f"{limited.url}/rest/1.0",
        "SETLISTFM_API_KEY": "hammer-key",
    }
    # Each process runs two callers for three seconds.
    command = (sys.executable, str(script), DEMO_MBID, "3", "2")
    workers = [
        await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.PIPE
        )
        for _ in range(3)
    ]

    outputs = [await worker.communicate() for worker in workers]

    assert [w.returncode for w in workers] == [0, 0, 0]
    done = [int(out.decode()) for out, _ in outputs]
    summary = limited.state.traffic.summary(True)["services"]["setlistfm"]
    assert summary["rate_limited"] == 0, summary
    assert summary["max_in_one_second"] <= 2
    assert summary["requests"] == sum(done)
    # Each process got its turns: the schedule is shared, not one-sided.
    assert min(done) >= 1
    assert sum(done) >= 5
