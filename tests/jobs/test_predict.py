"""Predicted setlists from recorded Radiohead shows, hand-made shows and the catalog."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from clients.spotify import parse_albums_page, parse_tracks_page
from clients.types import Setlist, SetlistSet, SetlistSong, SpotifyAlbum, SpotifyTrack
from jobs.catalog import Catalog, build_catalog
from jobs.predict import PredictionBasis, predict_setlist, weighted_median
from tests.jobs.test_setlist_rules import load_setlists, radiohead_index

TAPES = {
    "I Wish I Knew How It Would Feel to Be Free",
    "Treefingers",
    "Egyptian Fantasy",
}


@pytest.fixture
def radiohead_setlists(samples_dir: Path) -> list[Setlist]:
    return load_setlists(
        samples_dir / "setlistfm/radiohead_2018/artist_setlists_p1.json"
    )


def _show(day: int, *sets: Sequence[str], encore_from: int = 1) -> Setlist:
    """A setlist on day ``day`` of 2024; sets from ``encore_from`` on are encores."""
    return Setlist(
        id=f"show-{day:03d}",
        version_id=None,
        event_date=dt.date(2024, 1, 1) + dt.timedelta(days=day),
        artist_mbid="mbid",
        venue=None,
        tour=None,
        info=None,
        url=None,
        sets=tuple(
            SetlistSet(
                None, max(0, n - encore_from + 1), tuple(SetlistSong(t) for t in songs)
            )
            for n, songs in enumerate(sets)
        ),
    )


def test_radiohead_2018_prediction_has_the_tour_shape(
    radiohead_setlists: list[Setlist],
) -> None:
    prediction = predict_setlist(radiohead_setlists, radiohead_index())

    assert (prediction.basis, prediction.shows_used) == (PredictionBasis.HISTORY, 20)
    sections = [e.encore for e in prediction.entries]
    # 17 or 18 main-set songs, 5 in the first encore, 3 or 4 in the second.
    assert sections == [0] * 17 + [1] * 5 + [2] * 3
    assert [e.position for e in prediction.entries] == list(range(1, 26))


def test_radiohead_prediction_keeps_the_staples_and_no_tapes(
    radiohead_setlists: list[Setlist],
) -> None:
    prediction = predict_setlist(radiohead_setlists, radiohead_index())
    by_title = {e.title: e for e in prediction.entries}

    # Played at every one of the 20 shows (Bloom at 19).
    assert {"Daydreaming", "Ful Stop", "Bloom", "Idioteque"} <= set(by_title)
    assert prediction.likelihood[by_title["Daydreaming"].position] == 1.0
    assert by_title["Karma Police"].encore == 2  # closed the second encore 10 times
    assert prediction.entries[0].title == "Daydreaming"
    assert not TAPES & set(by_title)
    assert all(e.song_key for e in prediction.entries)


def test_a_prediction_does_not_depend_on_input_order(
    radiohead_setlists: list[Setlist],
) -> None:
    first = predict_setlist(radiohead_setlists, radiohead_index())
    second = predict_setlist(list(reversed(radiohead_setlists)), radiohead_index())
    assert first == second


def test_only_shows_before_the_date_count(radiohead_setlists: list[Setlist]) -> None:
    prediction = predict_setlist(
        radiohead_setlists, radiohead_index(), before=dt.date(2018, 7, 10)
    )
    # 22-04, 25-04, 06-07 and 07-07-2018.
    assert prediction.shows_used == 4


def test_max_shows_limits_the_history(radiohead_setlists: list[Setlist]) -> None:
    prediction = predict_setlist(radiohead_setlists, radiohead_index(), max_shows=5)
    assert prediction.shows_used == 5


def test_recent_shows_weigh_more_than_old_ones() -> None:
    history = [
        _show(1, ["A Old Favourite"]),
        _show(2, ["A Old Favourite"]),
        _show(3, ["B New Favourite"]),
        _show(4, ["B New Favourite"]),
    ]

    weighted = predict_setlist(history, ["a old favourite", "b new favourite"])
    flat = predict_setlist(
        history, ["a old favourite", "b new favourite"], recency_decay=1.0
    )

    assert [e.title for e in weighted.entries] == ["B New Favourite"]
    # Without recency the two tie and the key decides.
    assert [e.title for e in flat.entries] == ["A Old Favourite"]


def test_songs_are_ordered_by_their_typical_position() -> None:
    history = [
        _show(1, ["Opener", "Middle", "Closer"]),
        _show(2, ["Opener", "Rarity", "Middle", "Deep Cut", "Closer"]),
        _show(3, ["Opener", "Middle", "Closer"]),
    ]

    prediction = predict_setlist(history, ["opener", "middle", "closer"])

    assert [e.title for e in prediction.entries] == ["Opener", "Middle", "Closer"]


def test_encores_keep_their_songs_and_typical_length() -> None:
    history = [
        _show(1, ["One", "Two", "Three"], ["Encore Song"], ["Last Song"]),
        _show(2, ["Two", "One", "Three"], ["Encore Song"], ["Last Song"]),
        _show(3, ["One", "Three", "Two"], ["Encore Song", "Last Song"]),
    ]

    prediction = predict_setlist(history, ["one", "two", "three", "encore song"])

    assert [(e.encore, e.set_number, e.title) for e in prediction.entries] == [
        (0, 1, "One"),
        (0, 1, "Two"),
        (0, 1, "Three"),
        (1, 2, "Encore Song"),
        (2, 3, "Last Song"),
    ]
    last = prediction.entries[-1]
    assert last.song_key is None  # played, but not in the catalog


def test_regular_covers_are_predicted_with_their_artist() -> None:
    cover = SetlistSong("Heroes", cover_of="David Bowie")
    history = [
        Setlist(
            id=f"c{n}",
            version_id=None,
            event_date=dt.date(2024, 2, n),
            artist_mbid="mbid",
            venue=None,
            tour=None,
            info=None,
            url=None,
            sets=(SetlistSet(None, 0, (SetlistSong("Own Song"), cover)),),
        )
        for n in (1, 2)
    ]

    prediction = predict_setlist(history, ["own song", "heroes"])

    heroes = prediction.entries[1]
    assert (heroes.title, heroes.song_key, heroes.cover_of) == (
        "Heroes",
        None,
        "David Bowie",
    )


def test_weighted_median_picks_the_value_holding_half_the_weight() -> None:
    assert weighted_median([(17, 1.0), (18, 0.9), (18, 0.8)]) == 18
    assert weighted_median([(17, 1.0), (18, 0.5), (19, 0.4)]) == 17
    assert weighted_median([]) == 0.0


# --- without history ----------------------------------------------------------


@pytest.fixture
def gorillaz(samples_dir: Path) -> Catalog:
    folder = samples_dir / "spotify/gorillaz_2025-08-31"
    albums: list[SpotifyAlbum] = []
    for page in sorted(folder.glob("artist_albums_*.json")):
        albums.extend(parse_albums_page(json.loads(page.read_text()))[0].items)
    tracks: dict[str, list[SpotifyTrack]] = {}
    for page in sorted((folder / "album_tracks").glob("album_tracks_*.json")):
        album_id = page.name.split("_")[2]
        raw = json.loads(page.read_text())
        tracks[album_id] = list(parse_tracks_page(raw, album_id)[0].items)
    return build_catalog("3AA28KZvwAUcZuOKwyblJQ", albums, tracks)


def test_without_history_the_catalog_gives_new_songs_and_the_most_released(
    gorillaz: Catalog,
) -> None:
    prediction = predict_setlist([], catalog=gorillaz)

    assert prediction.basis is PredictionBasis.CATALOG
    titles = [e.title for e in prediction.entries]
    assert [e.encore for e in prediction.entries] == [0] * 15 + [1] * 3
    # Cracker Island, the latest studio album, opens and alternates with hits.
    assert titles[0:3] == ["Cracker Island", "Dirty Harry", "Oil"]
    # Each released on six kept releases, more than any other song.
    assert set(titles[-3:]) >= {"Feel Good Inc.", "Andromeda"}
    assert all(gorillaz.song(e.song_key or "") for e in prediction.entries)
    assert not [t for t in titles if "Machine Bitez" in t or "Interlude" in t]


def test_setlists_with_nothing_performed_fall_back_to_the_catalog(
    gorillaz: Catalog,
) -> None:
    intro = SetlistSet(None, 0, (SetlistSong("Intro Music", tape=True),))
    tape_only = replace(_show(1), sets=(intro,))

    prediction = predict_setlist([tape_only, _show(2)], catalog=gorillaz)

    assert prediction.basis is PredictionBasis.CATALOG
    assert prediction.shows_used == 0


def test_no_history_and_no_catalog_predicts_nothing() -> None:
    prediction = predict_setlist([], ["some song"])
    assert (prediction.basis, prediction.entries) == (PredictionBasis.NONE, ())
