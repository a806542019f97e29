"""Artist name normalisation and matching, on hand-made and recorded searches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clients.setlistfm import parse_artists_page
from clients.spotify import parse_artist_search
from clients.ticketmaster import parse_attractions_page
from clients.types import TmAttraction
from encore.errors import BadInputError, NotFoundError
from jobs.names import (
    AmbiguousName,
    NameCandidate,
    NoConvincingMatch,
    attraction_candidates,
    match_name,
    normalize_name,
    setlist_artist_candidates,
    spotify_artist_candidates,
)

GORILLAZ_ID = "3AA28KZvwAUcZuOKwyblJQ"


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def iron_maiden_search(samples_dir: Path) -> list[TmAttraction]:
    path = samples_dir / "ticketmaster/attractions_search_keyword-iron-maiden_2021.json"
    return list(parse_attractions_page(_load(path)).items)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("The Beatles", "beatles"),
        ("The Beatles", "BEATLES!"),
        ("Beyoncé", "Beyonce"),
        ("Simon & Garfunkel", "Simon and Garfunkel"),
        ("Guns N' Roses", "Guns N\u2019 Roses"),
        ("Sigur Rós", "sigur ros"),
        ("Mötley Crüe", "Motley Crue"),
        ("Ché-Fu", "che fu"),
    ],
)
def test_normalized_names_fold_case_accents_punctuation_and_the(
    left: str, right: str
) -> None:
    assert normalize_name(left) == normalize_name(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Iron Maiden", "The Iron Maidens"),
        ("Gorillaz", "GorillaT"),
        ("Gorillaz", "Gorillas"),
        ("Beatles", "Beatles Revival"),
    ],
)
def test_look_alike_names_stay_apart(left: str, right: str) -> None:
    assert normalize_name(left) != normalize_name(right)


def test_a_name_that_is_only_the_keeps_it() -> None:
    assert normalize_name("The The") == "the"


def test_a_name_of_punctuation_only_is_never_empty() -> None:
    assert normalize_name("!!!") == "!!!"


def test_spacing_inside_a_name_does_not_matter() -> None:
    candidates = [NameCandidate("AC/DC", "acdc")]
    assert match_name("ACDC", candidates).value == "acdc"
    assert match_name("AC DC", candidates).value == "acdc"


def test_the_2024_search_topped_by_gorillat_finds_no_gorillaz(
    samples_dir: Path,
) -> None:
    raw = _load(
        samples_dir
        / "spotify/search_artist_q-artist-gorillaz_2024-08-24_top-hit-is-GorillaT.json"
    )
    artists = parse_artist_search(raw).items
    assert artists[0].name == "GorillaT"  # the recorded quirk this test is about

    with pytest.raises(NoConvincingMatch) as caught:
        match_name("Gorillaz", spotify_artist_candidates(artists))

    closest = [c.name for c in caught.value.closest]
    assert isinstance(caught.value, NotFoundError)
    assert caught.value.code == "NOT_FOUND"
    assert {"GorillaT", "Gorillag", "GORILLAS"} <= set(closest)
    assert '"GorillaT"' in str(caught.value)


def test_the_2025_search_finds_gorillaz_by_name(samples_dir: Path) -> None:
    raw = _load(
        samples_dir
        / "spotify/gorillaz_2025-08-31/search_artist_q-artist-gorillaz_limit10.json"
    )
    artists = parse_artist_search(raw).items

    chosen = match_name("gorillaz", spotify_artist_candidates(artists))

    assert chosen.value.id == GORILLAZ_ID


def test_iron_maiden_is_the_band_not_a_tribute(
    iron_maiden_search: list[TmAttraction],
) -> None:
    chosen = match_name("Iron Maiden", attraction_candidates(iron_maiden_search))

    assert chosen.value.id == "K8vZ9171G4V"
    assert chosen.value.mbid is not None


def test_the_iron_maidens_are_the_tribute_act(
    iron_maiden_search: list[TmAttraction],
) -> None:
    candidates = attraction_candidates(iron_maiden_search)

    assert match_name("The Iron Maidens", candidates).value.id == "K8vZ9175IXf"
    assert match_name("iron maidens", candidates).value.id == "K8vZ9175IXf"


def test_a_search_without_the_name_is_not_taken_from_its_first_hit(
    iron_maiden_search: list[TmAttraction],
) -> None:
    candidates = attraction_candidates(iron_maiden_search)

    with pytest.raises(NoConvincingMatch) as caught:
        match_name("Maiden", candidates)

    assert len(caught.value.closest) == 5


def test_attractions_that_are_not_music_are_never_matched(
    iron_maiden_search: list[TmAttraction],
) -> None:
    sports = "Grand Rapids Iron Range Maidens"
    assert any(a.name == sports for a in iron_maiden_search)

    with pytest.raises(NoConvincingMatch):
        match_name(sports, attraction_candidates(iron_maiden_search))


def test_three_setlistfm_artists_named_black_metal_are_ambiguous(
    samples_dir: Path,
) -> None:
    raw = _load(samples_dir / "setlistfm/search_artists_artistName-metal_p1.json")
    artists = parse_artists_page(raw).items

    with pytest.raises(AmbiguousName) as caught:
        match_name("Black Metal", setlist_artist_candidates(artists))

    assert isinstance(caught.value, BadInputError)
    assert caught.value.code == "BAD_USER_INPUT"
    assert len(caught.value.matches) == 3
    assert "3 artists" in str(caught.value)


def test_radiohead_is_found_among_its_feat_and_tribute_entries(
    samples_dir: Path,
) -> None:
    raw = _load(
        samples_dir
        / "setlistfm/radiohead_2018/search_artists_artistName-radiohead.json"
    )
    artists = parse_artists_page(raw).items

    chosen = match_name("Radiohead", setlist_artist_candidates(artists))

    assert chosen.value.mbid == "a74b1b7f-71a5-4011-9441-d0b5e4122711"


def test_a_decisive_weight_settles_a_tie() -> None:
    candidates = [
        NameCandidate("Iron Maiden", "dormant page", 0.0),
        NameCandidate("Iron Maiden", "the band", 17.0),
    ]
    assert match_name("Iron Maiden", candidates).value == "the band"


@pytest.mark.parametrize(("first", "second"), [(1000.0, 300.0), (0.0, 0.0)])
def test_a_weight_that_is_not_decisive_leaves_a_tie_ambiguous(
    first: float, second: float
) -> None:
    candidates = [
        NameCandidate("Nirvana", "us", first),
        NameCandidate("Nirvana", "uk", second),
    ]
    with pytest.raises(AmbiguousName) as caught:
        match_name("Nirvana", candidates)

    assert [c.value for c in caught.value.matches] == ["us", "uk"]
