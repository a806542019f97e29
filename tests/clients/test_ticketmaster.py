"""The Ticketmaster client: parsers on recorded bodies, and event paging."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from clients import ticketmaster
from clients.errors import NotFound, QuotaExceeded, RateLimited, Rejected
from clients.parsing import MalformedError
from clients.sandbox.builtins import DEMO, NO_SPOTIFY_LINK
from clients.ticketmaster import TicketmasterClient
from clients.types import TmEvent
from encore.settings import Settings
from tests.sandbox_fixtures import SandboxControl, SandboxFactory, settings_for_sandbox


def load(samples_dir: Path, name: str) -> Any:
    return json.loads((samples_dir / "ticketmaster" / name).read_text())


def test_an_event_without_a_time_has_only_its_local_date(samples_dir: Path) -> None:
    page = ticketmaster.parse_events_page(
        load(samples_dir, "events_search_page0_2016_includes_timeTBA_event.json")
    )
    undated = [e for e in page.events.items if e.local_time is None]

    assert len(undated) == 1
    assert undated[0].local_date == dt.date(2016, 5, 20)
    assert undated[0].start_utc is None
    assert undated[0].timezone == "America/Chicago"
    assert page.total_elements == 75568


def test_local_and_utc_dates_are_kept_apart(samples_dir: Path) -> None:
    page = ticketmaster.parse_events_page(
        load(samples_dir, "events_search_page0_2017_metallica-worldwired.json")
    )
    event = next(e for e in page.events.items if e.id == "vvG1YZfNJlFfJM")

    assert event.local_date == dt.date(2017, 4, 8)
    assert event.local_time == dt.time(19, 0)
    assert event.start_utc == dt.datetime(2017, 4, 9, 1, 0, tzinfo=dt.UTC)
    assert event.venue is not None
    assert event.venue.city == "Las Cruces"


def test_an_empty_result_has_no_embedded_and_parses_empty(samples_dir: Path) -> None:
    page = ticketmaster.parse_events_page(
        load(samples_dir, "events_search_empty_result_2022.json")
    )

    assert page.events.items == ()
    assert page.total_elements == 0


def test_events_read_venues_acts_and_links(samples_dir: Path) -> None:
    page = ticketmaster.parse_events_page(
        load(samples_dir, "events_search_genre-rock_dma213_page0_size10_2022.json")
    )
    events = page.events.items
    acts = {a.id: a for e in events for a in e.attractions}

    assert sum(1 for e in events if not e.attractions) == 2
    assert acts["K8vZ9171ulV"].spotify_id == "3EhbVgyfGd7HkpsagwL9GS"
    assert acts["K8vZ9171ulV"].mbid == "ee58c59f-8e7f-4430-b8ca-236c4d3745ae"
    venue = events[0].venue
    assert venue is not None
    assert (venue.city, venue.region, venue.country) == ("Buffalo", "New York", "US")
    assert venue.latitude == pytest.approx(42.890699)
    assert events[0].status == "onsale"


def test_an_attraction_search_keeps_look_alikes_apart(samples_dir: Path) -> None:
    page = ticketmaster.parse_attractions_page(
        load(samples_dir, "attractions_search_keyword-iron-maiden_2021.json")
    )
    by_name = {a.name: a for a in page.items}

    assert len(page.items) == 12
    assert page.items[0].mbid == "ca891d65-d9b0-4258-89f7-e6ba29d83767"
    assert page.items[0].is_music
    assert page.items[0].upcoming_events is not None
    assert by_name["The Iron Maidens"].mbid not in (None, page.items[0].mbid)


def test_an_attraction_without_links_parses(samples_dir: Path) -> None:
    attraction = ticketmaster.parse_attraction(
        load(samples_dir, "attraction_K8vZ917Kew0_2016.json")
    )

    assert (attraction.spotify_id, attraction.mbid) == (None, None)
    assert attraction.image_url is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://open.spotify.com/artist/3EhbVgyfGd7HkpsagwL9GS",
            "3EhbVgyfGd7HkpsagwL9GS",
        ),
        (
            "https://open.spotify.com/artist/3EhbVgyfGd7HkpsagwL9GS?si=x",
            "3EhbVgyfGd7HkpsagwL9GS",
        ),
        ("spotify:artist:3EhbVgyfGd7HkpsagwL9GS", "3EhbVgyfGd7HkpsagwL9GS"),
        ("https://open.spotify.com/album/3EhbVgyfGd7HkpsagwL9GS", None),
    ],
)
def test_spotify_ids_come_from_artist_links(url: str, expected: str | None) -> None:
    assert ticketmaster.spotify_id_from_url(url) == expected


def test_a_malformed_event_is_skipped_and_counted() -> None:
    body = {
        "_embedded": {"events": [{"id": "e1", "name": "Fine"}, {"name": "no id"}]},
        "page": {"size": 2, "totalElements": 2, "totalPages": 1, "number": 0},
    }

    page = ticketmaster.parse_events_page(body)

    assert [e.id for e in page.events.items] == ["e1"]
    assert page.events.skipped == 1
    assert page.events.items[0].venue is None


def test_an_events_page_without_paging_numbers_is_malformed() -> None:
    with pytest.raises(MalformedError):
        ticketmaster.parse_events_page({"_embedded": {"events": []}})


def test_both_error_shapes_are_read(samples_dir: Path) -> None:
    root = samples_dir / "ticketmaster"
    gateway = (root / "error_429_quota_violation.json").read_bytes()
    discovery = (root / "error_400_DIS1035_max_paging_depth.json").read_bytes()
    reset_ms = str(int((time.time() + 3600) * 1000))

    quota = ticketmaster.translate_error(
        429, gateway, "/discovery/v2/events", {"Rate-Limit-Reset": reset_ms}
    )
    depth = ticketmaster.translate_error(400, discovery, "/discovery/v2/events", {})

    assert isinstance(quota, QuotaExceeded)
    assert quota.retry_after == pytest.approx(3600, abs=5)
    assert isinstance(depth, Rejected)
    assert "paging depth" in str(depth)


def test_a_spike_arrest_is_retryable_rate_limiting() -> None:
    body = json.dumps(
        {
            "fault": {
                "faultstring": "Spike arrest violation. Allowed rate : 5ps",
                "detail": {"errorcode": "policies.ratelimit.SpikeArrestViolation"},
            }
        }
    ).encode()

    error = ticketmaster.translate_error(429, body, "/discovery/v2/events", {})

    assert type(error) is RateLimited
    assert error.retryable


def test_a_not_found_keeps_no_query_string() -> None:
    error = ticketmaster.translate_error(404, b"", "/discovery/v2/events/x", {})

    assert isinstance(error, NotFound)
    assert error.path == "/discovery/v2/events/x"


# --- against the sandbox -------------------------------------------------------


@pytest.fixture
def quick(sandbox_settings: Settings) -> Settings:
    # The sandbox's limits are off: pace only loosely, for speed.
    return sandbox_settings.model_copy(
        update={
            "upstream_backoff_base": 0.05,
            "upstream_max_attempts": 3,
            "ticketmaster_rate_per_second": 500.0,
        }
    )


@pytest.fixture
async def client(
    quick: Settings, redis_client: aioredis.Redis
) -> AsyncIterator[TicketmasterClient]:
    async with TicketmasterClient(quick, redis_client) as opened:
        yield opened


async def collect(client: TicketmasterClient, attraction_id: str) -> list[TmEvent]:
    return [e async for page in client.iter_events(attraction_id) for e in page.items]


async def test_an_attraction_carries_its_spotify_id_and_mbid(
    client: TicketmasterClient,
) -> None:
    linked = await client.get_attraction(DEMO.ticketmaster_id or "")
    unlinked = await client.get_attraction(NO_SPOTIFY_LINK.ticketmaster_id or "")

    assert (linked.spotify_id, linked.mbid) == (DEMO.spotify_id, DEMO.musicbrainz_id)
    assert unlinked.spotify_id is None
    assert unlinked.mbid == NO_SPOTIFY_LINK.musicbrainz_id


async def test_an_unknown_attraction_is_not_found(client: TicketmasterClient) -> None:
    with pytest.raises(NotFound) as caught:
        await client.get_attraction("K8vZ9170000")

    assert caught.value.path == "/discovery/v2/attractions/K8vZ9170000"


async def test_a_search_returns_the_tribute_acts_too(
    client: TicketmasterClient,
) -> None:
    page = await client.search_attractions("Midnight Owls")

    names = {a.name for a in page.items}
    assert {DEMO.name, "The Midnight Owls Tribute"} <= names


async def test_a_small_listing_is_read_in_one_pass(
    client: TicketmasterClient, sandbox_control: SandboxControl
) -> None:
    truth = await sandbox_control.truth(DEMO.ticketmaster_id or "")

    events = await collect(client, DEMO.ticketmaster_id or "")

    assert len(events) == truth["events"]
    assert (await sandbox_control.stats())["requests"] == 1


async def test_1200_events_are_read_whole_through_date_windows(
    client: TicketmasterClient, sandbox_control: SandboxControl
) -> None:
    created = await sandbox_control.create_artist(
        name="The Endless Tour", albums=1, tracks=5, setlists=0, events=1200
    )
    truth = await sandbox_control.truth(created["ticketmaster_id"])

    events = await collect(client, created["ticketmaster_id"])

    ids = [e.id for e in events]
    assert len(ids) == len(set(ids)) == truth["events"] == 1200
    assert sum(1 for e in events if e.local_date is None) == truth["undated_events"]
    assert truth["undated_events"] > 0
    statuses = (await sandbox_control.stats())["services"]["ticketmaster"]["statuses"]
    assert set(statuses) == {"200"}


async def test_windows_are_split_until_each_can_be_paged(
    quick: Settings, redis_client: aioredis.Redis, sandbox_control: SandboxControl
) -> None:
    # Pages of 10 reach only 1,000 events: 1,200 need several windows.
    small_pages = quick.model_copy(update={"ticketmaster_page_size": 10})
    created = await sandbox_control.create_artist(
        name="The Endless Tour Again", albums=1, tracks=5, setlists=0, events=1200
    )

    async with TicketmasterClient(small_pages, redis_client) as tm:
        events = await collect(tm, created["ticketmaster_id"])

    assert len({e.id for e in events}) == len(events) == 1200


async def test_a_spent_daily_quota_stops_calls_before_they_leave(
    quick: Settings, redis_client: aioredis.Redis, sandbox_control: SandboxControl
) -> None:
    settings = quick.model_copy(update={"ticketmaster_daily_quota": 3})

    async with TicketmasterClient(settings, redis_client) as tm:
        for _ in range(3):
            await tm.get_attraction(DEMO.ticketmaster_id or "")
        with pytest.raises(QuotaExceeded):
            await tm.get_attraction(DEMO.ticketmaster_id or "")

    assert (await sandbox_control.stats())["requests"] == 3


async def test_the_services_own_quota_refusal_is_not_retried(
    quick: Settings, redis_client: aioredis.Redis, make_sandbox: SandboxFactory
) -> None:
    limited = await make_sandbox(rate_limits=True, ticketmaster_daily_quota=2)
    settings = settings_for_sandbox(quick, limited.url)

    async with TicketmasterClient(settings, redis_client) as tm:
        for _ in range(2):
            await tm.get_attraction(DEMO.ticketmaster_id or "")
        with pytest.raises(QuotaExceeded) as caught:
            await tm.get_attraction(DEMO.ticketmaster_id or "")

    assert caught.value.code == "RATE_LIMITED"
    assert limited.state.traffic.summary()["requests"] == 3


async def test_paced_calls_stay_under_five_per_second(
    sandbox_settings: Settings,
    redis_client: aioredis.Redis,
    make_sandbox: SandboxFactory,
) -> None:
    limited = await make_sandbox(rate_limits=True)
    settings = settings_for_sandbox(sandbox_settings, limited.url)

    async with TicketmasterClient(settings, redis_client) as tm:
        await asyncio.gather(
            *(tm.get_attraction(DEMO.ticketmaster_id or "") for _ in range(12))
        )

    summary = limited.state.traffic.summary()["services"]["ticketmaster"]
    assert summary["requests"] == 12
    assert summary["rate_limited"] == 0
    assert summary["max_in_one_second"] <= 5
