"""Setlist entries: each song of a setlist in order, linked to the catalog."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from clients.types import Setlist, SetlistSet, SetlistSong
from jobs.catalog import SongIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SetlistEntry:
    """One song of a setlist.

    ``song_key`` is None for covers, for tapes whose title is not a catalog
    song, for empty names and for titles the catalog does not know; the text
    stays in ``title``. A tape (music played from a recording) keeps its key
    when it names a catalog song but never counts as performed.
    """

    position: int
    set_number: int
    set_position: int
    set_name: str | None
    encore: int  # 0 for the main set
    title: str
    song_key: str | None
    cover_of: str | None = None
    with_artist: str | None = None
    is_tape: bool = False
    info: str | None = None

    @property
    def is_performed(self) -> bool:
        """Played live by the band: anything listed but a tape."""
        return not self.is_tape

    @property
    def is_cover(self) -> bool:
        return self.cover_of is not None


def _set_name(raw: str | None) -> str | None:
    # setlist.fm writes headings as "Set 1:"; the colon is layout, not name.
    name = (raw or "").strip().removesuffix(":").strip()
    return name or None


def _song_key(song: SetlistSong, songs: SongIndex) -> str | None:
    if song.cover_of:
        return None
    return songs.match(song.name)


def _set_entries(
    number: int, sets_item: SetlistSet, first_position: int, songs: SongIndex
) -> list[SetlistEntry]:
    return [
        SetlistEntry(
            position=first_position + offset,
            set_number=number,
            set_position=offset + 1,
            set_name=_set_name(sets_item.name),
            encore=max(sets_item.encore, 0),
            title=song.name.strip(),
            song_key=_song_key(song, songs),
            cover_of=song.cover_of or None,
            with_artist=song.with_artist or None,
            is_tape=song.tape,
            info=(song.info or "").strip() or None,
        )
        for offset, song in enumerate(sets_item.songs)
    ]


def as_index(songs: SongIndex | Iterable[str]) -> SongIndex:
    """A ``SongIndex`` as given, or one over plain song keys."""
    return songs if isinstance(songs, SongIndex) else SongIndex.from_keys(songs)


def setlist_entries(
    setlist: Setlist, songs: SongIndex | Iterable[str]
) -> tuple[SetlistEntry, ...]:
    """The setlist's entries in order, each linked to a catalog song if it is one.

    Positions count every listed entry, tapes included, 1-based across the
    whole setlist (main set and encores in the order setlist.fm lists them);
    ``set_position`` counts within one set. Sets are numbered 1-based in the
    order given; an empty set keeps its number but yields no entries.
    """
    index = as_index(songs)
    entries: list[SetlistEntry] = []
    for number, sets_item in enumerate(setlist.sets, start=1):
        entries.extend(_set_entries(number, sets_item, len(entries) + 1, index))
    log.debug(
        "setlist entries linked",
        extra={
            "setlist_id": setlist.id,
            "entries": len(entries),
            "linked": sum(e.song_key is not None for e in entries),
        },
    )
    return tuple(entries)


def performed_song_keys(entries: Iterable[SetlistEntry]) -> tuple[str, ...]:
    """The catalog songs a setlist counts as played, in first-played order.

    Tapes are left out; covers and unknown titles have no key to count.
    """
    keys = (e.song_key for e in entries if e.is_performed and e.song_key)
    return tuple(dict.fromkeys(keys))
