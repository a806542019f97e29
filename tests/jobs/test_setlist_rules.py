"""Setlist entries and what counts as performed, on recorded and hand-made setlists."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from clients.setlistfm import parse_setlists_page
from clients.types import Setlist, SetlistSet, SetlistSong
from jobs.catalog import SongIndex, song_key
from jobs.setlist_rules import performed_song_keys, setlist_entries

# Radiohead studio titles as Spotify spells them ("Hail to the Thief" carries
# alternative titles in brackets). "Spectre" is left out on purpose.
RADIOHEAD_TITLES = [
    "Daydreaming",
    "Desert Island Disk",
    "Ful Stop",
    "15 Step",
    "Lucky",
    "Kid A",
    "Videotape",
    "Decks Dark",
    "Let Down",
    "Everything In Its Right Place",
    "Bloom",
    "Reckoner",
    "Lotus Flower",
    "House Of Cards",
    "Optimistic",
    "Idioteque",
    "How to Disappear Completely",
    "Myxomatosis. (Judge, Jury & Executioner.)",
    "Exit Music (For A Film)",
    "There There. (The Boney King of Nowhere.)",
    "The Tourist",
    "The Bends",
    "Weird Fishes/ Arpeggi",
    "Karma Police",
    "Paranoid Android",
    "No Surprises",
    "Pyramid Song",
    "All I Need",
    "The Gloaming. (Softly Open Our Mouths in the Cold.)",
    "The Numbers",
    "Bodysnatchers",
    "2 + 2 = 5 (The Lukewarm.)",
    "Nude",
    "Separator",
    "The National Anthem",
    "You And Whose Army?",
    "Fake Plastic Trees",
    "Street Spirit (Fade Out)",
    "Present Tense",
    "Identikit",
    "Airbag",
    "Burn the Witch",
    "Morning Bell",
    "Climbing Up the Walls",
    "My Iron Lung",
    "A Wolf At the Door. (It Girl. Rag Doll.)",
    "Like Spinning Plates",
    "Give Up The Ghost",
    "Treefingers",
    "Feral",
    "I Might Be Wrong",
    "Where I End and You Begin. (The Sky Is Falling In.)",
    "Talk Show Host",
    "The Daily Mail",
    "Blow Out",
    "Creep",
]


def radiohead_index() -> SongIndex:
    return SongIndex({song_key(t): [t] for t in RADIOHEAD_TITLES})


def load_setlists(path: Path) -> list[Setlist]:
    page = parse_setlists_page(json.loads(path.read_text(encoding="utf-8")))
    assert page.skipped == 0
    return list(page.items)


@pytest.fixture
def radiohead_setlists(samples_dir: Path) -> list[Setlist]:
    return load_setlists(
        samples_dir / "setlistfm/radiohead_2018/artist_setlists_p1.json"
    )


@pytest.fixture
def philadelphia(radiohead_setlists: list[Setlist]) -> Setlist:
    return next(s for s in radiohead_setlists if s.id == "13eb054d")


def test_positions_run_across_the_whole_setlist(philadelphia: Setlist) -> None:
    entries = setlist_entries(philadelphia, radiohead_index())

    assert [e.position for e in entries] == list(range(1, 27))
    assert [(e.set_number, e.encore) for e in entries] == (
        [(1, 0)] * 18 + [(2, 1)] * 5 + [(3, 2)] * 3
    )
    assert [e.set_position for e in entries[17:20]] == [18, 1, 2]
    assert entries[-1].title == "Karma Police"
    assert entries[-1].info == "with Thom acoustic outro & crowd sing-along afterwards"


def test_a_taped_cover_is_neither_linked_nor_performed(philadelphia: Setlist) -> None:
    opener = setlist_entries(philadelphia, radiohead_index())[0]

    assert opener.title == "I Wish I Knew How It Would Feel to Be Free"
    assert (opener.is_tape, opener.is_performed) == (True, False)
    assert (opener.song_key, opener.cover_of) == (None, "Billy Taylor")
    assert opener.info == "Nina Simone version"


def test_setlist_titles_link_to_spotify_spellings(philadelphia: Setlist) -> None:
    linked = {
        e.title: e.song_key for e in setlist_entries(philadelphia, radiohead_index())
    }

    assert linked["Myxomatosis"] == "myxomatosis judge jury and executioner"
    assert linked["There There"] == "there there the boney king of nowhere"
    assert linked["Exit Music (for a Film)"] == "exit music for a film"
    assert linked["Weird Fishes/Arpeggi"] == "weird fishes arpeggi"
    assert linked["House of Cards"] == "house of cards"
    assert linked["Spectre"] is None  # not in the index: kept as text


def test_performed_keys_leave_out_tapes_and_unknown_titles(
    philadelphia: Setlist,
) -> None:
    keys = performed_song_keys(setlist_entries(philadelphia, radiohead_index()))

    assert len(keys) == 24  # 26 entries less the tape and "Spectre"
    assert keys[:2] == ("daydreaming", "desert island disk")
    assert keys[-1] == "karma police"


def test_every_recorded_radiohead_song_finds_its_key(
    radiohead_setlists: list[Setlist],
) -> None:
    index = radiohead_index()
    unlinked = {
        e.title
        for s in radiohead_setlists
        for e in setlist_entries(s, index)
        if e.is_performed and e.song_key is None
    }
    assert unlinked == {"Spectre"}


def test_an_empty_taped_name_and_named_sets_are_kept(samples_dir: Path) -> None:
    setlists = load_setlists(
        samples_dir / "setlistfm/stereophonics_2022/artist_setlists_p2.json"
    )
    show = next(s for s in setlists if s.id == "1b8a5514")

    entries = setlist_entries(show, ["maybe", "dakota", "handbags and gladrags"])

    intro = entries[0]
    assert (intro.title, intro.song_key, intro.is_tape) == ("", None, True)
    assert intro.info == "Seven Bridges Road - The Eagles"
    assert [e.set_name for e in entries[1:3]] == [
        "Just Enough Education to Perform"
    ] * 2
    assert {e.set_name for e in entries if e.set_number == 3} == {"Set 2"}
    cover = next(e for e in entries if e.title == "Handbags and Gladrags")
    assert (cover.song_key, cover.cover_of) == (None, "Mike d\u2019Abo")
    assert performed_song_keys(entries) == ("maybe", "dakota")
    assert entries[-1].encore == 1


def _setlist(*sets: SetlistSet) -> Setlist:
    return Setlist(
        id="s1",
        version_id=None,
        event_date=dt.date(2024, 5, 1),
        artist_mbid="mbid",
        venue=None,
        tour=None,
        info=None,
        url=None,
        sets=sets,
    )


def test_hand_made_setlist_edge_cases() -> None:
    show = _setlist(
        SetlistSet("Set 1:", 0, (SetlistSong("Intro", tape=True), SetlistSong("Hit"))),
        SetlistSet(None, 0, ()),
        SetlistSet(
            None,
            1,
            (
                SetlistSong("Hit", cover_of="Someone Else"),
                SetlistSong("Hit", with_artist="Guest", info="reprise"),
                SetlistSong("  "),
            ),
        ),
    )

    entries = setlist_entries(show, ["intro", "hit"])

    assert [(e.position, e.set_number, e.set_position) for e in entries] == [
        (1, 1, 1),
        (2, 1, 2),
        (3, 3, 1),
        (4, 3, 2),
        (5, 3, 3),
    ]
    assert entries[0].set_name == "Set 1"
    assert (entries[0].song_key, entries[0].is_performed) == ("intro", False)
    assert entries[2].song_key is None  # a cover of another "Hit"
    assert (entries[3].with_artist, entries[3].info) == ("Guest", "reprise")
    assert (entries[4].title, entries[4].song_key) == ("", None)
    assert performed_song_keys(entries) == ("hit",)


def test_a_setlist_without_sets_has_no_entries() -> None:
    assert setlist_entries(_setlist(), ["hit"]) == ()
    assert performed_song_keys(()) == ()
