"""Predicted setlists for upcoming shows, from recent setlists or the catalog."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import zip_longest

from clients.types import Setlist
from jobs.catalog import (
    Catalog,
    ReleaseKind,
    Song,
    SongIndex,
    VersionKind,
    release_date_key,
    song_key,
)
from jobs.setlist_rules import SetlistEntry, as_index, setlist_entries

log = logging.getLogger(__name__)

DEFAULT_SHOWS = 20
DEFAULT_RECENCY_DECAY = 0.9
FALLBACK_MAIN_LENGTH = 15
FALLBACK_ENCORE_LENGTH = 3
# Skits and interludes are on albums but not on stage.
MIN_STAGE_SONG_MS = 60_000


class PredictionBasis(StrEnum):
    HISTORY = "history"
    CATALOG = "catalog"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class PredictedSetlist:
    """Entries shaped like a real setlist's; ``likelihood`` maps a position to
    the weighted share of recent shows that played that song (history only)."""

    entries: tuple[SetlistEntry, ...]
    basis: PredictionBasis
    shows_used: int = 0
    likelihood: Mapping[int, float] = field(default_factory=dict)


@dataclass(slots=True)
class _SongStats:
    """What the recent shows say about one song."""

    title: str
    song_key: str | None
    cover_of: str | None
    weight: float = 0.0
    section_weight: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    positions: dict[int, list[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def preferred_section(self) -> int:
        return min(self.section_weight, key=lambda s: (-self.section_weight[s], s))

    def typical_position(self, section: int) -> float:
        plays = self.positions.get(section) or [
            p for ps in self.positions.values() for p in ps
        ]
        total = sum(w for w, _ in plays)
        return sum(w * pos for w, pos in plays) / total if total else 1.0


@dataclass(frozen=True, slots=True)
class _Show:
    weight: float
    sections: Mapping[int, tuple[SetlistEntry, ...]]


def _identity(entry: SetlistEntry) -> str:
    # Covers and unknown titles are predicted by their text, kept apart from keys.
    return entry.song_key or f"~{song_key(entry.title)}"


def _sections(entries: Iterable[SetlistEntry]) -> dict[int, tuple[SetlistEntry, ...]]:
    """Performed, named entries by encore number, each song once per show."""
    seen: set[str] = set()
    sections: dict[int, list[SetlistEntry]] = defaultdict(list)
    for entry in entries:
        if not entry.is_performed or not entry.title or _identity(entry) in seen:
            continue
        seen.add(_identity(entry))
        sections[entry.encore].append(entry)
    return {k: tuple(v) for k, v in sections.items()}


def _recent_shows(
    history: Iterable[Setlist],
    index: SongIndex,
    before: dt.date | None,
    max_shows: int,
    decay: float,
) -> list[_Show]:
    eligible = [s for s in history if before is None or s.event_date < before]
    eligible.sort(key=lambda s: (s.event_date, s.id), reverse=True)
    shows: list[_Show] = []
    for setlist in eligible:
        sections = _sections(setlist_entries(setlist, index))
        if sections:
            shows.append(_Show(decay ** len(shows), sections))
        if len(shows) == max_shows:
            break
    return shows


def _collect(shows: Sequence[_Show]) -> dict[str, _SongStats]:
    stats: dict[str, _SongStats] = {}
    for show in shows:  # newest first: the newest spelling of a title wins
        for section, entries in show.sections.items():
            for offset, entry in enumerate(entries):
                item = stats.setdefault(
                    _identity(entry),
                    _SongStats(entry.title, entry.song_key, entry.cover_of),
                )
                item.weight += show.weight
                item.section_weight[section] += show.weight
                relative = (offset + 0.5) / len(entries)
                item.positions[section].append((show.weight, relative))
    return stats


def weighted_median(values: Sequence[tuple[float, float]]) -> float:
    """The median of ``(value, weight)`` pairs: the first value at half the weight."""
    ordered = sorted(values)
    half = sum(w for _, w in ordered) / 2
    running = 0.0
    for value, weight in ordered:
        running += weight
        if running >= half:
            return value
    return ordered[-1][0] if ordered else 0.0


def _shape(shows: Sequence[_Show]) -> dict[int, int]:
    """Songs per section: 0 for the main set, then each usual encore."""
    encores = round(
        weighted_median(
            [(len([k for k in s.sections if k > 0]), s.weight) for s in shows]
        )
    )
    shape = {0: _median_length(shows, 0)}
    for number in range(1, encores + 1):
        shape[number] = _median_length(shows, number)
    return shape


def _median_length(shows: Sequence[_Show], section: int) -> int:
    lengths = [
        (len(s.sections[section]), s.weight) for s in shows if section in s.sections
    ]
    return round(weighted_median(lengths)) if lengths else 0


def _choose(
    stats: Mapping[str, _SongStats], shape: Mapping[int, int]
) -> dict[int, list[str]]:
    """The songs of each section, most frequent first."""
    last = max(shape)
    by_frequency = sorted(stats, key=lambda i: (-stats[i].weight, i))
    chosen: dict[int, list[str]] = {section: [] for section in shape}
    for identity in by_frequency:
        section = min(stats[identity].preferred_section(), last)
        if len(chosen[section]) < shape[section]:
            chosen[section].append(identity)
    taken = {i for ids in chosen.values() for i in ids}
    for identity in by_frequency:  # a main set short of songs takes the next best
        if len(chosen[0]) >= shape[0]:
            break
        if identity not in taken:
            chosen[0].append(identity)
    return chosen


def _from_history(shows: Sequence[_Show]) -> PredictedSetlist:
    stats = _collect(shows)
    shape = _shape(shows)
    chosen = _choose(stats, shape)
    total = sum(s.weight for s in shows)
    entries: list[SetlistEntry] = []
    likelihood: dict[int, float] = {}
    for section in sorted(chosen):
        ordered = sorted(
            chosen[section],
            key=lambda i: (stats[i].typical_position(section), -stats[i].weight, i),
        )
        for offset, identity in enumerate(ordered):
            item = stats[identity]
            entry = _entry(len(entries) + 1, section, offset, item.title, item.song_key)
            entries.append(_with_cover(entry, item.cover_of))
            likelihood[entry.position] = round(item.weight / total, 4)
    return PredictedSetlist(
        tuple(entries), PredictionBasis.HISTORY, len(shows), likelihood
    )


def _entry(
    position: int, section: int, offset: int, title: str, key: str | None
) -> SetlistEntry:
    return SetlistEntry(
        position=position,
        set_number=section + 1,
        set_position=offset + 1,
        set_name=None,
        encore=section,
        title=title,
        song_key=key,
    )


def _with_cover(entry: SetlistEntry, cover_of: str | None) -> SetlistEntry:
    return entry if cover_of is None else replace(entry, cover_of=cover_of)


# --- catalog fallback -----------------------------------------------------


def _stage_songs(catalog: Catalog) -> list[Song]:
    return [
        s
        for s in catalog.songs
        if s.representative.duration_ms is None
        or s.representative.duration_ms >= MIN_STAGE_SONG_MS
    ]


def _latest_album_songs(catalog: Catalog, songs: Sequence[Song]) -> list[Song]:
    albums = [r for r in catalog.releases if r.kind is ReleaseKind.ALBUM]
    if not albums:
        return []
    latest = max(
        albums, key=lambda r: (release_date_key(r.album.release_date), r.id)
    ).id

    def slot(song: Song) -> tuple[int, int] | None:
        for track in song.tracks:
            if track.album_id == latest and track.kind is VersionKind.STUDIO:
                return (track.disc_number, track.track_number)
        return None

    on_latest = [(slot(s), s) for s in songs if slot(s) is not None]
    return [s for _, s in sorted(on_latest, key=lambda pair: (pair[0], pair[1].key))]


def _most_released(songs: Sequence[Song]) -> list[Song]:
    order = {s.key: i for i, s in enumerate(songs)}
    return sorted(songs, key=lambda s: (-len(s.album_ids), order[s.key]))


def _from_catalog(
    catalog: Catalog, main_length: int, encore_length: int
) -> PredictedSetlist:
    songs = _stage_songs(catalog)
    new = _latest_album_songs(catalog, songs)[: (main_length + 1) // 2]
    new_keys = {s.key for s in new}
    hits = [s for s in _most_released(songs) if s.key not in new_keys]
    encore, hits = hits[:encore_length], hits[encore_length:]
    main: list[Song] = []
    for pair in zip_longest(new, hits):
        main.extend(s for s in pair if s is not None)
    sections = {0: main[:main_length], 1: encore}
    entries: list[SetlistEntry] = []
    for section, section_songs in sections.items():
        for offset, song in enumerate(section_songs):
            entries.append(
                _entry(len(entries) + 1, section, offset, song.title, song.key)
            )
    return PredictedSetlist(tuple(entries), PredictionBasis.CATALOG)


def predict_setlist(
    history: Iterable[Setlist],
    songs: SongIndex | Iterable[str] = (),
    *,
    catalog: Catalog | None = None,
    before: dt.date | None = None,
    max_shows: int = DEFAULT_SHOWS,
    recency_decay: float = DEFAULT_RECENCY_DECAY,
    fallback_main_length: int = FALLBACK_MAIN_LENGTH,
    fallback_encore_length: int = FALLBACK_ENCORE_LENGTH,
) -> PredictedSetlist:
    """A likely setlist for a show on ``before`` (or next), deterministically.

    From history: the most recent setlists (the newest weighs most, each older
    show ``recency_decay`` times less) give each song a frequency (weighted
    share of shows that played it), the section it is usually played in (main
    set or encore n) and its typical relative position there. The show's shape
    (main set length, number and length of encores) is the weighted median of
    the same shows. The most frequent songs fill each section, ordered by
    typical position. Covers and titles missing from the catalog are predicted
    by their text; tapes never.

    Without usable history the catalog stands in: songs of the latest studio
    album alternate with the songs on the most releases (singles, live and
    remix releases all count), the most released closing the show as the
    encore; skits under a minute are left out.

    ``songs`` links setlist titles to catalog songs (the catalog's own index
    when only ``catalog`` is given). Setlists on or after ``before`` are
    ignored, as are setlists with nothing performed in them.
    """
    index = as_index(songs)
    if not index.keys and catalog is not None:
        index = catalog.index()
    shows = _recent_shows(history, index, before, max_shows, recency_decay)
    if shows:
        prediction = _from_history(shows)
    elif catalog is not None and catalog.songs:
        prediction = _from_catalog(
            catalog, fallback_main_length, fallback_encore_length
        )
    else:
        prediction = PredictedSetlist((), PredictionBasis.NONE)
    log.debug(
        "setlist predicted",
        extra={
            "basis": prediction.basis.value,
            "shows_used": prediction.shows_used,
            "entries": len(prediction.entries),
        },
    )
    return prediction
