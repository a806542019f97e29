"""Song keys, version kinds, releases and the catalog, on rules and recorded data."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from clients.spotify import parse_albums_page, parse_tracks_page
from clients.types import SpotifyAlbum, SpotifyTrack
from jobs.catalog import (
    Catalog,
    ReleaseKind,
    SongIndex,
    VersionKind,
    build_catalog,
    clean_title,
    release_date_key,
    release_kind,
    song_key,
    version_kind,
)

GORILLAZ = "3AA28KZvwAUcZuOKwyblJQ"
ARTIST = "artist-1"

# Gorillaz release ids, read from the recorded album pages.
GORILLAZ_ALBUM = "4tUxQkrduOE8sfgwJ5BI2F"
DEMON_DAYS = "0bUTHlWbkSQysoM3VsWldT"
CLINT_EASTWOOD_SINGLE = "3sB5GyaLFk9Vlf9UG7B1W8"
DARE_SINGLE_2006 = "1REnCQXttzffbS7blTB0zO"
SINGLES_COLLECTION = "5cyCeFPqDXC6R9rvx6TO1w"
G_SIDES = "6z8arLj8lWDoxk99ayMYlz"
CRACKER_ISLAND = "4wtZQMNTC1O79kDxMBsEan"
SEASON_ONE_DELUXE = "5I9K0u8r52jp4Y2bF8mOaz"


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Live Forever", "live forever"),
        ("Song - Live at Wembley", "song"),
        ("Song (Live)", "song"),
        ("Song - Claptone Remix", "song"),
        ("Song (Demo)", "song"),
        ("Song - Instrumental", "song"),
        ("(Don't Fear) The Reaper", "dont fear the reaper"),
        ("Song (Part 2)", "song part 2"),
        ("Song (Part 1)", "song part 1"),
        ("Song (feat. X)", "song"),
        ("Song - feat. X", "song"),
        ("Song [with X]", "song"),
        ("Song feat. X & Y", "song"),
        ("Song (feat. X) - Live", "song"),
        ("Song - Remastered 2011", "song"),
        ("Song - 2011 Remaster", "song"),
        ("Song (2009 Remaster)", "song"),
        ("Song - Radio Edit", "song"),
        ("Song - Single Version", "song"),
        ("Song - Album Version", "song"),
        ("Song - Mono", "song"),
        ("Song (Stereo)", "song"),
        ("Song (Deluxe Edition)", "song"),
        ("Song - Bonus Track", "song"),
        ("Song (Explicit)", "song"),
        ("Song - Clean", "song"),
        ("Song - 20th Anniversary Edition", "song"),
        ("Song (Live) [Remastered 2011]", "song"),
        ("Song (Live in NYC;feat. D12)", "song"),
        ("Hey Jude - Remastered 2015", "hey jude"),
        ("Feel Good Inc.", "feel good inc"),
        ("El Mañana", "el manana"),
        ("Don\u2019t Get Lost in Heaven", "dont get lost in heaven"),
        ("Busted & Blue", "busted and blue"),
        ("Dub Ø9", "dub o9"),
        ("19-2000", "19 2000"),
        ("Live and Let Die", "live and let die"),
        ("Mix Tape", "mix tape"),
    ],
)
def test_song_key(title: str, key: str) -> None:
    assert song_key(title) == key


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Live Forever", VersionKind.STUDIO),
        ("Live and Let Die", VersionKind.STUDIO),
        ("Song - Live at Wembley", VersionKind.LIVE),
        ("Song (Live)", VersionKind.LIVE),
        ("Song - Live from NW10", VersionKind.LIVE),
        ("Song (Unplugged)", VersionKind.LIVE),
        ("Song - MTV Unplugged", VersionKind.LIVE),
        ("Song - Remastered - Live", VersionKind.LIVE),
        ("Song - Claptone Remix", VersionKind.REMIX),
        ("Song (feat. X) [Dom Dolla Remix]", VersionKind.REMIX),
        ("Song - Gorillaz 20 Mix", VersionKind.REMIX),
        ("Song - Extended Mix", VersionKind.REMIX),
        ("Song - Ed Case / Sweetie Irie Refix", VersionKind.REMIX),
        ("Song - Claptone Edit", VersionKind.REMIX),
        ("Song (Dub)", VersionKind.REMIX),
        ("Song (Demo)", VersionKind.DEMO),
        ("Song - Noodle's Demo", VersionKind.DEMO),
        ("Song - Demo Version", VersionKind.DEMO),
        ("Song - Instrumental", VersionKind.INSTRUMENTAL),
        ("Song (Karaoke Version)", VersionKind.INSTRUMENTAL),
        ("Song (A Cappella)", VersionKind.ACAPPELLA),
        ("Song - Acapella", VersionKind.ACAPPELLA),
        ("Song - Acoustic", VersionKind.ACOUSTIC),
        ("Song (feat. X) [2D Piano Version]", VersionKind.ACOUSTIC),
        ("Song - Phi Life Cypher Version", VersionKind.ALTERNATE),
        ("Song (Taylor's Version)", VersionKind.ALTERNATE),
        ("Song - Take 2", VersionKind.ALTERNATE),
        ("Song - Radio Edit", VersionKind.STUDIO),
        ("Song - Edit", VersionKind.STUDIO),
        ("Song - Original Mix", VersionKind.STUDIO),
        ("Song (Radio Mix)", VersionKind.STUDIO),
        ("Song - Extended Version", VersionKind.STUDIO),
        ("Song - 2011 Remaster", VersionKind.STUDIO),
        ('Song - From "Film" Soundtrack', VersionKind.STUDIO),
        ("Song (Part 2)", VersionKind.STUDIO),
        ("Song - DRAM Special", VersionKind.STUDIO),
    ],
)
def test_version_kind(title: str, kind: VersionKind) -> None:
    assert version_kind(title) is kind


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("Désolé (feat. Fatoumata Diawara) - Extended Version", "Désolé"),
        ("Dirty Harry (feat. Bootie Brown)", "Dirty Harry"),
        ("Song - feat. X", "Song"),
        ("(Don't Fear) The Reaper", "(Don't Fear) The Reaper"),
        ("Latin Simone (Que Pasa Contigo)", "Latin Simone (Que Pasa Contigo)"),
    ],
)
def test_clean_title_keeps_spelling_and_drops_credits_and_versions(
    title: str, clean: str
) -> None:
    assert clean_title(title) == clean


def _album(
    album_id: str,
    name: str,
    album_type: str = "album",
    group: str | None = "album",
    date: str | None = "2010-01-01",
    total: int | None = None,
    artists: tuple[str, ...] = (ARTIST,),
) -> SpotifyAlbum:
    return SpotifyAlbum(
        id=album_id,
        name=name,
        album_type=album_type,
        album_group=group,
        release_date=date,
        release_date_precision=None,
        total_tracks=total,
        artist_ids=artists,
    )


def _tracks(
    album_id: str, *names: str, isrcs: tuple[str | None, ...] = ()
) -> list[SpotifyTrack]:
    codes = list(isrcs) + [None] * (len(names) - len(isrcs))
    return [
        SpotifyTrack(
            id=f"{album_id}-t{n}",
            name=name,
            album_id=album_id,
            track_number=n,
            duration_ms=200_000,
            isrc=codes[n - 1],
        )
        for n, name in enumerate(names, start=1)
    ]


@pytest.mark.parametrize(
    ("album", "kind"),
    [
        (_album("a", "Studio Album"), ReleaseKind.ALBUM),
        (_album("a", "An EP", "single", "single"), ReleaseKind.SINGLE),
        (_album("a", "Guest Spot", group="appears_on"), ReleaseKind.APPEARS_ON),
        (_album("a", "Theirs", group=None, artists=("other",)), ReleaseKind.APPEARS_ON),
        (_album("a", "Ours", group=None), ReleaseKind.ALBUM),
        (_album("a", "Legacy", group=None, artists=()), ReleaseKind.ALBUM),
        (_album("a", "Hits", "compilation", "compilation"), ReleaseKind.COMPILATION),
        (_album("a", "Hits", "compilation", None), ReleaseKind.COMPILATION),
        (
            _album("a", "Demon Days Live at the Manchester Opera House"),
            ReleaseKind.LIVE,
        ),
        (_album("a", "Album (Live)"), ReleaseKind.LIVE),
        (_album("a", "Live from the Moon"), ReleaseKind.LIVE),
        (_album("a", "MTV Unplugged in New York"), ReleaseKind.LIVE),
        (_album("a", "Live 1975-85"), ReleaseKind.LIVE),
        (_album("a", "Live Forever"), ReleaseKind.ALBUM),
        (_album("a", "Humility (feat. George Benson) [Remixes]"), ReleaseKind.REMIX),
        (_album("a", "The Remixes"), ReleaseKind.REMIX),
        (_album("a", "Tranz (Poté Remix)", "single", "single"), ReleaseKind.REMIX),
        (_album("a", "Feel Good Inc. (Instrumental)", "single"), ReleaseKind.VERSIONS),
        (_album("a", "Plastic Beach (Deluxe)"), ReleaseKind.ALBUM),
    ],
)
def test_release_kind(album: SpotifyAlbum, kind: ReleaseKind) -> None:
    assert release_kind(album, ARTIST) is kind


def test_release_dates_of_any_precision_sort_in_time() -> None:
    dates = ["2010-03-03", None, "2001", "2010-03", "2010", "2005-05-23"]
    assert sorted(dates, key=release_date_key) == [
        "2001",
        "2005-05-23",
        "2010",
        "2010-03",
        "2010-03-03",
        None,
    ]


def test_editions_singles_and_remasters_are_tracks_of_one_song() -> None:
    albums = [
        _album("lp", "First Album", date="2005-05-23"),
        _album("dlx", "First Album (Deluxe)", date="2006-01-01"),
        _album("sg", "Hit Song", "single", "single", date="2005-04-01"),
        _album("rm", "First Album (2015 Remaster)", date="2015"),
    ]
    tracks = {
        "lp": _tracks("lp", "Hit Song (feat. Guest)", "Deep Cut"),
        "dlx": _tracks("dlx", "Hit Song (feat. Guest)", "Deep Cut", "Bonus Song"),
        "sg": _tracks("sg", "Hit Song - Radio Edit", "Hit Song - Live at Wembley"),
        "rm": _tracks("rm", "Hit Song - 2015 Remaster", "Deep Cut - 2015 Remaster"),
    }

    catalog = build_catalog(ARTIST, albums, tracks)

    assert catalog.keys == ("hit song", "deep cut", "bonus song")
    hit = catalog.song("hit song")
    assert hit is not None
    assert hit.title == "Hit Song"
    assert hit.representative.spotify_id == "lp-t1"  # the album, not the earlier single
    assert sorted(hit.track_ids) == ["dlx-t1", "lp-t1", "rm-t1", "sg-t1", "sg-t2"]
    assert Counter(t.kind for t in hit.tracks) == {
        VersionKind.STUDIO: 4,
        VersionKind.LIVE: 1,
    }


def test_the_earliest_album_gives_the_title_whatever_the_date_precision() -> None:
    albums = [
        _album("later", "Later", date="2010-03-03"),
        _album("early", "Early", date="2010"),
    ]
    tracks = {
        "later": _tracks("later", "SONG TITLE"),
        "early": _tracks("early", "Song Title"),
    }

    song = build_catalog(ARTIST, albums, tracks).songs[0]

    assert (song.title, song.representative.album_id) == ("Song Title", "early")


def test_a_song_released_only_on_a_single_is_a_song() -> None:
    albums = [_album("sg", "Stand Alone", "single", "single")]
    catalog = build_catalog(
        ARTIST, albums, {"sg": _tracks("sg", "Stand Alone", "B-Side")}
    )

    assert catalog.keys == ("stand alone", "b side")


def test_versions_never_become_songs_and_wait_unplaced_without_their_song() -> None:
    albums = [_album("sg", "Single", "single", "single")]
    tracks = {
        "sg": _tracks(
            "sg", "Single", "Other - Live", "Other (Demo)", "Other - Instrumental"
        )
    }

    catalog = build_catalog(ARTIST, albums, tracks)

    assert catalog.keys == ("single",)
    assert [t.kind for t in catalog.unplaced] == [
        VersionKind.LIVE,
        VersionKind.DEMO,
        VersionKind.INSTRUMENTAL,
    ]


def test_live_and_remix_albums_add_tracks_but_no_songs() -> None:
    albums = [
        _album("lp", "Studio"),
        _album("live", "Live at Wembley", date="2012"),
        _album("rmx", "Studio (Remixes)", date="2013"),
    ]
    tracks = {
        "lp": _tracks("lp", "Song"),
        "live": _tracks("live", "Song", "Live Only Song"),
        "rmx": _tracks("rmx", "Song", "Remix Only Song"),
    }

    catalog = build_catalog(ARTIST, albums, tracks)

    assert catalog.keys == ("song",)
    song = catalog.songs[0]
    assert [(t.album_id, t.kind) for t in song.tracks] == [
        ("lp", VersionKind.STUDIO),
        ("rmx", VersionKind.REMIX),
        ("live", VersionKind.LIVE),
    ]
    assert {t.name for t in catalog.unplaced} == {"Live Only Song", "Remix Only Song"}


def test_the_plain_a_side_of_a_remix_single_is_still_a_song() -> None:
    # Gorillaz' "Doncamatic" exists only on its "[The Joker Remix]" single.
    albums = [
        _album("sg", "Doncamatic (feat. Daley) [The Joker Remix]", "single", "single")
    ]
    tracks = {
        "sg": _tracks("sg", "Doncamatic (feat. Daley)", "Doncamatic - The Joker Remix")
    }

    catalog = build_catalog(ARTIST, albums, tracks)

    assert catalog.keys == ("doncamatic",)
    assert [t.kind for t in catalog.songs[0].tracks] == [
        VersionKind.STUDIO,
        VersionKind.REMIX,
    ]


def test_compilations_and_appearances_contribute_nothing() -> None:
    albums = [
        _album("lp", "Studio"),
        _album("best", "Best Of", "compilation", "compilation"),
        _album("guest", "Their Album", group="appears_on", artists=("other",)),
    ]
    tracks = {
        "lp": _tracks("lp", "Song"),
        "best": _tracks("best", "Song", "Compilation Exclusive"),
        "guest": _tracks("guest", "Guest Verse"),
    }

    catalog = build_catalog(ARTIST, albums, tracks)

    assert catalog.keys == ("song",)
    assert catalog.songs[0].track_ids == ("lp-t1",)
    assert {r.id for r in catalog.excluded} == {"best", "guest"}


def test_an_isrc_ties_differently_titled_tracks_to_one_song() -> None:
    albums = [
        _album("lp", "Album"),
        _album("sg", "Single", "single", "single", date="2011"),
    ]
    tracks = {
        "lp": _tracks("lp", "Mister Song", isrcs=("GBAAA0000001",)),
        "sg": _tracks("sg", "Mr. Song", isrcs=("GBAAA0000001",)),
    }

    catalog = build_catalog(ARTIST, albums, tracks)

    assert catalog.keys == ("mister song",)
    assert catalog.songs[0].track_ids == ("lp-t1", "sg-t1")


def test_duplicate_releases_collapse_to_the_one_with_tracks() -> None:
    albums = [
        _album("b-copy", "Suck It And See", date="2011-06-06", total=2),
        _album("a-copy", "Suck It and See", date="2011-06-06", total=2),
        _album("other-year", "Suck It and See", date="2012", total=2),
    ]
    tracks = {"b-copy": _tracks("b-copy", "Brick by Brick", "Piledriver Waltz")}

    catalog = build_catalog(ARTIST, albums, tracks)

    assert catalog.collapsed == {"a-copy": "b-copy"}
    assert {r.id for r in catalog.releases} == {"b-copy", "other-year"}


def test_an_unrecognised_dash_suffix_joins_its_song_when_there_is_one() -> None:
    albums = [_album("lp", "Album"), _album("sg", "Special", "single", "single")]
    tracks = {
        "lp": _tracks("lp", "Andromeda", "Song (Part 1)"),
        "sg": _tracks("sg", "Andromeda - DRAM Special", "Other - Something"),
    }

    catalog = build_catalog(ARTIST, albums, tracks)

    assert catalog.keys == ("andromeda", "song part 1", "other something")
    andromeda = catalog.song("andromeda")
    assert andromeda is not None
    assert [t.kind for t in andromeda.tracks] == [
        VersionKind.STUDIO,
        VersionKind.ALTERNATE,
    ]


def test_catalog_order_does_not_depend_on_input_order() -> None:
    albums = [
        _album("lp1", "One", date="2001"),
        _album("lp2", "Two", date="2003"),
        _album("sg", "Extra", "single", "single", date="2002"),
    ]
    tracks = {
        "lp1": _tracks("lp1", "A", "B"),
        "lp2": _tracks("lp2", "C", "A - Live"),
        "sg": _tracks("sg", "D", "B - Remix"),
    }
    shuffled = albums[:]
    random.Random(7).shuffle(shuffled)
    reversed_tracks = {k: list(reversed(v)) for k, v in reversed(tracks.items())}

    first = build_catalog(ARTIST, albums, tracks)
    second = build_catalog(ARTIST, shuffled, reversed_tracks)

    assert first == second
    assert first.keys == ("a", "b", "c", "d")


# --- the recorded Gorillaz catalog ------------------------------------------


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def gorillaz_input(
    samples_dir: Path,
) -> tuple[list[SpotifyAlbum], dict[str, list[SpotifyTrack]]]:
    folder = samples_dir / "spotify/gorillaz_2025-08-31"
    albums: list[SpotifyAlbum] = []
    for page in sorted(folder.glob("artist_albums_*.json")):
        albums.extend(parse_albums_page(_read(page))[0].items)
    tracks: dict[str, list[SpotifyTrack]] = {}
    for page in sorted((folder / "album_tracks").glob("album_tracks_*.json")):
        album_id = page.name.split("_")[2]
        tracks[album_id] = list(parse_tracks_page(_read(page), album_id)[0].items)
    return albums, tracks


@pytest.fixture
def gorillaz(
    gorillaz_input: tuple[list[SpotifyAlbum], dict[str, list[SpotifyTrack]]],
) -> Catalog:
    albums, tracks = gorillaz_input
    return build_catalog(GORILLAZ, albums, tracks)


def test_the_recording_holds_81_releases_and_79_track_listings(
    gorillaz_input: tuple[list[SpotifyAlbum], dict[str, list[SpotifyTrack]]],
) -> None:
    albums, tracks = gorillaz_input
    assert (len(albums), len(tracks)) == (81, 79)


def test_gorillaz_compilations_are_left_out_and_nothing_collapses(
    gorillaz: Catalog,
) -> None:
    assert {r.album.name for r in gorillaz.excluded} == {
        "The Singles Collection 2001-2011",
        "Gorillaz Are Ten - Spotify Radio Show 1",
        "G-Sides",
    }
    # The two "DARE" and two "Dirty Harry" singles differ in date or track count.
    assert gorillaz.collapsed == {}
    assert len(gorillaz.releases) == 78


def test_every_gorillaz_song_appears_once(gorillaz: Catalog) -> None:
    titles = Counter(song_key(s.title) for s in gorillaz.songs)
    assert len(gorillaz.keys) == len(set(gorillaz.keys)) == 184
    assert [t for t, n in titles.items() if n > 1] == []


def test_feel_good_inc_is_one_song_with_all_its_versions(gorillaz: Catalog) -> None:
    song = gorillaz.song("feel good inc")
    assert song is not None

    assert song.title == "Feel Good Inc."
    assert song.representative.album_id == DEMON_DAYS
    assert Counter(t.kind for t in song.tracks) == {
        VersionKind.STUDIO: 1,  # Demon Days
        VersionKind.REMIX: 2,  # Stanton Warriors, on both D-Sides editions
        VersionKind.DEMO: 1,  # Noodle's Demo, on the 2007 single
        VersionKind.INSTRUMENTAL: 1,  # the 2005 instrumental single
        VersionKind.LIVE: 1,  # Manchester Opera House
    }


def test_clint_eastwood_joins_album_single_refix_and_live_tracks(
    gorillaz: Catalog,
) -> None:
    song = gorillaz.song("clint eastwood")
    assert song is not None

    assert song.representative.album_id == GORILLAZ_ALBUM
    assert {(t.album_id, t.kind) for t in song.tracks} == {
        (GORILLAZ_ALBUM, VersionKind.STUDIO),
        (GORILLAZ_ALBUM, VersionKind.REMIX),  # "- Ed Case / Sweetie Irie Refix"
        (CLINT_EASTWOOD_SINGLE, VersionKind.STUDIO),
        (DARE_SINGLE_2006, VersionKind.LIVE),
    }
    # The compilations' copies (Singles Collection, G-Sides) are not tracks of it.
    assert not {SINGLES_COLLECTION, G_SIDES} & set(song.album_ids)


@pytest.mark.parametrize(
    ("key", "studio", "total"),
    [
        ("kids with guns", 2, 9),  # album, single; 6 D-Sides remixes; live
        ("dirty harry", 2, 6),
        ("dare", 1, 8),
        ("hong kong", 2, 4),  # both D-Sides editions; 2 Manchester live copies
        ("strobelite", 2, 3),  # album, radio edit single; Kaytranada remix
        ("new gold", 4, 6),
        ("lil dub chefin", 2, 3),  # single tracks + Laika Come Home's version
    ],
)
def test_gorillaz_track_counts(
    gorillaz: Catalog, key: str, studio: int, total: int
) -> None:
    song = gorillaz.song(key)
    assert song is not None
    assert (len(song.studio_track_ids), len(song.tracks)) == (studio, total)


def test_no_gorillaz_version_is_a_song_of_its_own(
    gorillaz: Catalog,
    gorillaz_input: tuple[list[SpotifyAlbum], dict[str, list[SpotifyTrack]]],
) -> None:
    _, tracks = gorillaz_input
    versions = {
        t.id
        for ts in tracks.values()
        for t in ts
        if version_kind(t.name) is not VersionKind.STUDIO
    }

    assert len(versions) > 40
    assert all(s.representative.spotify_id not in versions for s in gorillaz.songs)
    assert all(version_kind(s.title) is VersionKind.STUDIO for s in gorillaz.songs)
    for missing in ("humanz", "the now now", "deja vu", "911", "gorillaz"):
        assert gorillaz.song(missing) is None


def test_gorillaz_tracks_are_each_placed_once(
    gorillaz: Catalog,
    gorillaz_input: tuple[list[SpotifyAlbum], dict[str, list[SpotifyTrack]]],
) -> None:
    _, tracks = gorillaz_input
    kept = {r.id for r in gorillaz.releases}
    expected = {t.id for album_id, ts in tracks.items() if album_id in kept for t in ts}
    placed = [i for s in gorillaz.songs for i in s.track_ids]
    unplaced = [t.spotify_id for t in gorillaz.unplaced]

    assert len(placed) + len(unplaced) == len(set(placed) | set(unplaced))
    assert set(placed) | set(unplaced) == expected
    assert {t.name for t in gorillaz.unplaced} >= {
        "Déjà Vu (feat. Alicai Harley) - Live from NW10",
        "Humanz (Gorillaz 20 Mix)",
        "911 (feat. D12) - Live in NYC",
    }


def test_gorillaz_titles_come_from_the_earliest_studio_album(gorillaz: Catalog) -> None:
    desole = gorillaz.song("desole")
    cracker = gorillaz.song("cracker island")
    assert desole is not None
    assert cracker is not None

    # The single came first, but albums go before singles.
    assert desole.title == "Désolé"
    assert desole.representative.album_id == SEASON_ONE_DELUXE
    # The standard album (02-24) precedes the deluxe (02-27) and the 2022 single.
    assert cracker.representative.album_id == CRACKER_ISLAND
    assert gorillaz.songs[0].title == "Re-Hash"  # track 1 of the first album


def test_gorillaz_songs_only_on_singles_are_songs(gorillaz: Catalog) -> None:
    for key in (
        "dracula",
        "garage palace",
        "sleeping powder",
        "meanwhile",
        "doncamatic",
    ):
        assert gorillaz.song(key) is not None, key


def test_gorillaz_live_tracks_find_their_song_through_an_alias(
    gorillaz: Catalog,
) -> None:
    song = gorillaz.song("latin simone que pasa contigo")
    assert song is not None
    assert [t.kind for t in song.tracks] == [VersionKind.STUDIO, VersionKind.LIVE]


def test_the_legacy_arctic_monkeys_page_collapses_to_five_releases(
    samples_dir: Path,
) -> None:
    # 2014: no album_group, no artists, no dates: only names tell the copies apart.
    raw = _read(
        samples_dir / "spotify/artist_albums_arctic_monkeys_2014_no_album_group.json"
    )
    albums = parse_albums_page(raw)[0].items

    catalog = build_catalog("7Ln80lUS6He07XvHI8qqHH", albums, {})

    assert len(albums) == 20
    assert sorted(r.album.name.casefold() for r in catalog.releases) == [
        "am",
        "favourite worst nightmare",
        "humbug",
        "suck it and see",
        "suck it and see sampler",
    ]
    assert len(catalog.collapsed) == 15


def test_a_song_index_matches_titles_keys_and_unique_aliases() -> None:
    index = SongIndex(
        {
            "latin simone que pasa contigo": ["Latin Simone (Que Pasa Contigo)"],
            "song part 1": ["Song (Part 1)"],
            "song part 2": ["Song (Part 2)"],
            "re hash": ["Re-Hash"],
            "the tourist": ["The Tourist"],
        }
    )

    assert index.match("Latin Simone") == "latin simone que pasa contigo"
    assert index.match("Rehash") == "re hash"
    assert index.match("Tourist") == "the tourist"
    assert index.match("Song (Part 2) - Live") == "song part 2"
    assert index.match("Song") is None  # two songs claim that alias
    assert index.match("") is None
    assert SongIndex.from_keys(["re hash"]).match("Re-Hash") == "re hash"
