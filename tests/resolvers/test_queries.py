"""Queries over HTTP against seeded rows: lookups, search, ordering, pages."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import AsyncIterator
from typing import Any

import pytest

from encore.settings import Settings
from models import Artist, ImportStage, Show, ShowStatus, Venue
from tests.resolvers.live import (
    LiveServer,
    error_codes,
    graphql_data,
    post_graphql,
    running_server,
)
from tests.resolvers.seed import seed_artist, seed_import


@pytest.fixture
async def server(db: str, settings: Settings) -> AsyncIterator[LiveServer]:
    async with running_server(settings) as live:
        yield live


async def _walk(
    server: LiveServer, query: str, path: str, variables: dict[str, Any], first: int
) -> list[dict[str, Any]]:
    """Every node of a connection, page by page through its cursors."""
    nodes: list[dict[str, Any]] = []
    after = None
    for _ in range(50):
        data = await graphql_data(
            server, query, {**variables, "first": first, "after": after}
        )
        for key in path.split("."):
            data = data[key]
        nodes.extend(edge["node"] for edge in data["edges"])
        if not data["pageInfo"]["hasNextPage"]:
            return nodes
        after = data["pageInfo"]["endCursor"]
    raise AssertionError("the pages never ended")


ARTIST_BY = """query($id: ID, $slug: String, $spotifyId: String, $mbid: String) {
  artist(id: $id, slug: $slug, spotifyId: $spotifyId, mbid: $mbid) { name }
}"""


async def test_an_artist_is_found_by_each_of_its_keys(server: LiveServer) -> None:
    seeded = await seed_artist("Wet Leg", shows=0, spotify_id="4yIwNsMNHDN1yzz4Ajk6hR")
    await Artist.filter(id=seeded.artist_id).update(
        mbid="5e4cd0c0-0000-4000-8000-000000000001"
    )
    for key, value in [
        ("id", str(seeded.artist_id)),
        ("slug", "wet-leg"),
        ("spotifyId", "4yIwNsMNHDN1yzz4Ajk6hR"),
        ("mbid", "5e4cd0c0-0000-4000-8000-000000000001"),
    ]:
        data = await graphql_data(server, ARTIST_BY, {key: value})
        assert data["artist"] == {"name": "Wet Leg"}, key


async def test_an_unknown_artist_is_null(server: LiveServer) -> None:
    data = await graphql_data(server, ARTIST_BY, {"id": "987654"})
    assert data["artist"] is None


@pytest.mark.parametrize(
    "variables", [{}, {"id": "1", "slug": "wet-leg"}], ids=["no key", "two keys"]
)
async def test_artist_needs_exactly_one_key(
    server: LiveServer, variables: dict[str, str]
) -> None:
    _, body = await post_graphql(server, ARTIST_BY, variables)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "exactly one" in body["errors"][0]["message"]


SEARCH = """query($search: String, $first: Int, $after: String) {
  artists(search: $search, first: $first, after: $after) {
    totalCount
    edges { cursor node { name } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("bjork", ["Björk"]),
        ("BJÖRK", ["Björk"]),
        ("the beatles", ["The Beatles"]),
        ("BEATLES!", ["The Beatles"]),
        ("sigur ros", ["Sigur Rós"]),
        ("be", ["Beach House", "The Beatles"]),
        ("100%", []),
    ],
)
async def test_artist_search_ignores_case_accents_and_punctuation(
    server: LiveServer, search: str, found: list[str]
) -> None:
    for name in ("Björk", "The Beatles", "Sigur Rós", "Beach House"):
        await seed_artist(name, shows=0, songs=0, albums=0)
    data = await graphql_data(server, SEARCH, {"search": search})
    assert [e["node"]["name"] for e in data["artists"]["edges"]] == found
    assert data["artists"]["totalCount"] == len(found)


async def test_artists_are_paged_by_name_without_gaps_or_repeats(
    server: LiveServer,
) -> None:
    names = [f"Band {i:02d}" for i in range(11)]
    for name in reversed(names):
        await seed_artist(name, shows=0, songs=0, albums=0)
    walked = await _walk(server, SEARCH, "artists", {}, first=3)
    assert [n["name"] for n in walked] == names

    data = await graphql_data(server, SEARCH, {"first": 4})
    page = data["artists"]
    assert page["totalCount"] == 11
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "endCursor": page["edges"][-1]["cursor"],
    }


SHOWS = """query($artistId: ID, $from: Date, $to: Date, $first: Int, $after: String) {
  shows(artistId: $artistId, from: $from, to: $to, first: $first, after: $after) {
    totalCount
    edges { node { name date } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_shows_are_ordered_by_date_with_undated_ones_last(
    server: LiveServer,
) -> None:
    seeded = await seed_artist(
        "Dated", shows=7, days_apart=-3, first_date=dt.date(2024, 6, 1)
    )
    await Show.filter(id=seeded.show_ids[2]).update(date=None)
    other = await seed_artist("Other", shows=2, first_date=dt.date(2024, 1, 1))

    walked = await _walk(
        server, SHOWS, "shows", {"artistId": str(seeded.artist_id)}, first=2
    )
    dates = [n["date"] for n in walked]
    assert dates == [*sorted(d for d in dates if d), None]
    assert len(walked) == 7

    everyone = await _walk(server, SHOWS, "shows", {}, first=4)
    assert len(everyone) == 9
    assert other.show_ids


async def test_shows_between_two_dates_include_both_ends(server: LiveServer) -> None:
    seeded = await seed_artist(
        "Ranged", shows=10, first_date=dt.date(2024, 3, 1), days_apart=1
    )
    variables = {
        "artistId": str(seeded.artist_id),
        "from": "2024-03-03",
        "to": "2024-03-06",
    }
    data = await graphql_data(server, SHOWS, variables)
    dates = [e["node"]["date"] for e in data["shows"]["edges"]]
    assert dates == ["2024-03-03", "2024-03-04", "2024-03-05", "2024-03-06"]
    assert data["shows"]["totalCount"] == 4


async def test_shows_of_an_unknown_artist_are_not_found(server: LiveServer) -> None:
    _, body = await post_graphql(server, SHOWS, {"artistId": "424242"})
    assert error_codes(body) == ["NOT_FOUND"]


ARTIST_SHOWS = """query($id: ID!, $when: ShowWhen, $first: Int, $after: String) {
  artist(id: $id) {
    shows(when: $when, first: $first, after: $after) {
      totalCount
      edges { node { name date } }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


async def test_artist_shows_are_upcoming_soonest_first_then_past_newest_first(
    server: LiveServer,
) -> None:
    today = dt.datetime.now(dt.UTC).date()
    seeded = await seed_artist(
        "Touring", shows=8, first_date=today - dt.timedelta(days=40), days_apart=10
    )
    await Show.filter(id=seeded.show_ids[0]).update(date=None, name="Undated")
    variables = {"id": str(seeded.artist_id)}

    upcoming = await _walk(
        server, ARTIST_SHOWS, "artist.shows", {**variables, "when": "UPCOMING"}, first=2
    )
    past = await _walk(
        server, ARTIST_SHOWS, "artist.shows", {**variables, "when": "PAST"}, first=2
    )
    everything = await _walk(server, ARTIST_SHOWS, "artist.shows", variables, first=3)

    upcoming_dates = [n["date"] for n in upcoming]
    assert upcoming_dates[-1] is None
    assert upcoming_dates[:-1] == sorted(upcoming_dates[:-1])
    assert all(dt.date.fromisoformat(d) >= today for d in upcoming_dates[:-1])
    past_dates = [n["date"] for n in past]
    assert past_dates == sorted(past_dates, reverse=True)
    assert all(dt.date.fromisoformat(d) < today for d in past_dates)
    assert everything == upcoming + past
    assert len(everything) == 8


async def test_whether_a_show_is_upcoming_follows_the_date_at_its_venue(
    server: LiveServer,
) -> None:
    utc_today = dt.datetime.now(dt.UTC).date()
    cases = []
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        local_today = dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()
        for date in (local_today - dt.timedelta(days=1), local_today):
            cases.append((zone, date, date >= local_today))
    # At any hour one of the two zones is on another date than UTC, so the
    # venue's date decides at least one of these differently from UTC's.
    assert any((date >= utc_today) != upcoming for _, date, upcoming in cases)

    seeded = await seed_artist("Far Away", shows=len(cases))
    for show_id, (zone, date, _) in zip(seeded.show_ids, cases, strict=True):
        show = await Show.get(id=show_id)
        await Show.filter(id=show_id).update(date=date, name=f"{zone} {date}")
        await Venue.filter(id=show.venue_id).update(timezone=zone)  # type: ignore[attr-defined]

    data = await graphql_data(
        server, ARTIST_SHOWS, {"id": str(seeded.artist_id), "when": "UPCOMING"}
    )
    names = {e["node"]["name"] for e in data["artist"]["shows"]["edges"]}
    assert names == {f"{zone} {date}" for zone, date, upcoming in cases if upcoming}


DETAILS = """query($id: ID!) {
  show(id: $id) {
    status
    artist { name }
    venue { name city timezone }
    setlist { kind tour sets { name encore entries { position title isTape coverOf
      song { title timesPlayed album { title } } } } }
    predictedSetlist { kind sets { entries { position } } }
  }
}"""


async def test_a_show_has_its_played_and_predicted_setlists_cut_into_sets(
    server: LiveServer,
) -> None:
    seeded = await seed_artist("Setlisted", shows=1, entries=6, predicted=True)
    data = await graphql_data(server, DETAILS, {"id": str(seeded.show_ids[0])})
    show = data["show"]
    assert show["artist"] == {"name": "Setlisted"}
    assert show["venue"]["timezone"] == "Europe/London"
    played = show["setlist"]
    assert played["kind"] == "PLAYED"
    assert [(s["name"], s["encore"]) for s in played["sets"]] == [
        (None, 0),
        ("Encore", 1),
    ]
    main, encore = played["sets"]
    assert [e["position"] for e in main["entries"]] == [1, 2, 3, 4]
    assert [e["position"] for e in encore["entries"]] == [5, 6]
    tape, cover = main["entries"][2], main["entries"][3]
    assert tape["isTape"] is True
    assert cover == {
        "position": 4,
        "title": "Someone Else's Song",
        "isTape": False,
        "coverOf": "Another Band",
        "song": None,
    }
    assert main["entries"][1]["song"] == {
        "title": "Song 0001",
        "timesPlayed": 1,
        "album": {"title": "Album 1"},
    }
    assert show["predictedSetlist"]["kind"] == "PREDICTED"


async def test_a_show_without_setlists_has_null_ones(server: LiveServer) -> None:
    seeded = await seed_artist("Unlisted", shows=1, entries=0)
    data = await graphql_data(server, DETAILS, {"id": str(seeded.show_ids[0])})
    assert data["show"]["setlist"] == {"kind": "PLAYED", "tour": "The Tour", "sets": []}
    assert data["show"]["predictedSetlist"] is None
    assert (await graphql_data(server, DETAILS, {"id": "999999"}))["show"] is None


CATALOG = """query($id: ID!, $after: String) {
  artist(id: $id) {
    songs(first: 4, after: $after) {
      totalCount edges { node { title } } pageInfo { hasNextPage endCursor }
    }
    albums { totalCount edges { node { title releaseDate songs { title } } } }
  }
}"""


async def test_an_artists_catalog_lists_songs_by_title_and_albums_by_release(
    server: LiveServer,
) -> None:
    seeded = await seed_artist("Catalogued", shows=0, songs=6, albums=2)
    data = await graphql_data(server, CATALOG, {"id": str(seeded.artist_id)})
    songs = data["artist"]["songs"]
    assert [e["node"]["title"] for e in songs["edges"]] == [
        f"Song {i:04d}" for i in range(4)
    ]
    assert songs["totalCount"] == 6
    rest = await graphql_data(
        server,
        CATALOG,
        {"id": str(seeded.artist_id), "after": songs["pageInfo"]["endCursor"]},
    )
    assert [e["node"]["title"] for e in rest["artist"]["songs"]["edges"]] == [
        "Song 0004",
        "Song 0005",
    ]
    albums = data["artist"]["albums"]
    assert [e["node"]["releaseDate"] for e in albums["edges"]] == [
        "2000-01-01",
        "2001-01-01",
    ]
    assert [s["title"] for s in albums["edges"][0]["node"]["songs"]] == [
        "Song 0000",
        "Song 0002",
        "Song 0004",
    ]


@pytest.mark.parametrize(
    "after",
    ["not a cursor", "WyJhIl0", "WyJCYW5kIiwxLDJd"],
    ids=["garbage", "wrong length", "another list"],
)
async def test_a_cursor_that_is_not_of_the_list_is_bad_input(
    server: LiveServer, after: str
) -> None:
    seeded = await seed_artist("Cursed", shows=2)
    variables = {"id": str(seeded.artist_id), "after": after}
    _, body = await post_graphql(server, ARTIST_SHOWS, variables)
    assert error_codes(body) == ["BAD_USER_INPUT"]


STATUS = """query($id: ID!) {
  importStatus(artistId: $id) {
    stage artistId counts { shows } warnings startedAt finishedAt
  }
  artist(id: $id) { importStatus { stage } }
}"""


async def test_import_status_is_the_latest_import_or_null(server: LiveServer) -> None:
    seeded = await seed_artist("Imported", shows=0)
    variables = {"id": str(seeded.artist_id)}
    never = await graphql_data(server, STATUS, variables)
    assert never == {"importStatus": None, "artist": {"importStatus": None}}

    await seed_import(seeded.artist_id, ImportStage.COMPLETED)
    await seed_import(seeded.artist_id, ImportStage.SONGS)
    data = await graphql_data(server, STATUS, variables)
    assert data["importStatus"]["stage"] == "SONGS"
    assert data["importStatus"]["artistId"] == str(seeded.artist_id)
    assert data["importStatus"]["finishedAt"] is None
    assert data["artist"]["importStatus"] == {"stage": "SONGS"}


async def test_import_status_of_an_unknown_artist_is_not_found(
    server: LiveServer,
) -> None:
    _, body = await post_graphql(server, STATUS, {"id": "31337"})
    assert error_codes(body) == ["NOT_FOUND"]


async def test_show_status_comes_through_as_its_enum(server: LiveServer) -> None:
    seeded = await seed_artist("Postponed", shows=1)
    await Show.filter(id=seeded.show_ids[0]).update(status=ShowStatus.POSTPONED)
    data = await graphql_data(server, DETAILS, {"id": str(seeded.show_ids[0])})
    assert data["show"]["status"] == "POSTPONED"
