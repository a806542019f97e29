"""Setlists of shows and their entries, grouped into sets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from models import Setlist, SetlistEntry, SetlistKind, Song


@dataclass(frozen=True, slots=True)
class SetGroup:
    """One set of a setlist: the main set, or an encore."""

    name: str | None
    encore: int
    entries: list[SetlistEntry]


async def load_setlists(
    keys: Sequence[tuple[int, SetlistKind]],
) -> list[Setlist | None]:
    """The setlist of each (show, kind); both kinds are read in one statement."""
    rows = await Setlist.filter(
        show_id__in={show for show, _ in keys}, kind__in={kind for _, kind in keys}
    )
    found = {(row.show_id, row.kind): row for row in rows}  # type: ignore[attr-defined]
    return [found.get(key) for key in keys]


async def load_entries(setlist_ids: Sequence[int]) -> list[list[SetlistEntry]]:
    """Each setlist's entries in order, each with its song read in the same
    statement: a page of setlists holds thousands of entries, and resolving
    their songs one load at a time costs more than the join."""
    rows = (
        await SetlistEntry.filter(setlist_id__in=set(setlist_ids))
        .select_related("song")
        .order_by("setlist_id", "position")
    )
    entries: dict[int, list[SetlistEntry]] = defaultdict(list)
    for row in rows:
        entries[row.setlist_id].append(row)  # type: ignore[attr-defined]
    return [entries.get(setlist_id, []) for setlist_id in setlist_ids]


def group_sets(entries: Sequence[SetlistEntry]) -> list[SetGroup]:
    """Entries (in position order) cut into their sets, in the order played."""
    sets: dict[int, list[SetlistEntry]] = {}
    for entry in entries:
        sets.setdefault(entry.set_number, []).append(entry)
    return [
        SetGroup(name=members[0].set_name, encore=members[0].encore, entries=members)
        for members in sets.values()
    ]


def song_of(entry: SetlistEntry) -> Song | None:
    """The song read with the entry (see ``load_entries``)."""
    song: Song | None = entry.song
    return song
