"""The data a sandbox serves, indexed the way its routes read it.

Generated artists and recorded responses land in the same structures: JSON
objects exactly as the services send them, so a route only slices lists and
never builds an item on the request path.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


def fold(text: str) -> str:
    """Case, accents and punctuation folded; used for searching names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (
        c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c)
    )
    return " ".join("".join(kept).split())


_FIELD_FILTER = re.compile(r"\b(?:artist|album|track|year|genre|tag|upc|isrc):", re.I)


def search_key(query: str) -> str:
    """A search query without its field filters, folded: how it is matched."""
    return fold(_FIELD_FILTER.sub(" ", query))


def name_matches(query: str, name: str) -> bool:
    """Every query word starts some word of the name, as a loose search does."""
    words = fold(name).split()
    return all(any(w.startswith(q) for w in words) for q in fold(query).split())


@dataclass(slots=True)
class EventEntry:
    """A Ticketmaster event with what filtering and ordering need."""

    event: JSON
    start: dt.datetime | None  # UTC; None while the date is TBA/TBD
    attraction_ids: tuple[str, ...]
    country_code: str | None

    @classmethod
    def of(cls, event: JSON) -> EventEntry:
        embedded = event.get("_embedded", {})
        ids = [a.get("id") for a in embedded.get("attractions", [])]
        ids += [
            link["href"].split("?")[0].rsplit("/", 1)[-1]
            for link in event.get("_links", {}).get("attractions", [])
        ]
        venues = embedded.get("venues") or [{}]
        country = (venues[0].get("country") or {}).get("countryCode")
        return cls(
            event=event,
            start=event_start(event),
            attraction_ids=tuple(dict.fromkeys(i for i in ids if i)),
            country_code=country,
        )

    @property
    def sort_key(self) -> tuple[int, dt.datetime, str]:
        floor = dt.datetime.min.replace(tzinfo=dt.UTC)
        return (self.start is None, self.start or floor, self.event["id"])


def event_start(event: JSON) -> dt.datetime | None:
    """The instant an event starts, from its UTC time or its local date."""
    dates = event.get("dates", {})
    start = dates.get("start", {})
    if start.get("dateTime"):
        return dt.datetime.fromisoformat(start["dateTime"].replace("Z", "+00:00"))
    if not start.get("localDate"):
        return None
    day = dt.date.fromisoformat(start["localDate"])
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(dates.get("timezone") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    local = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return local.astimezone(dt.UTC)


def setlist_sort_key(setlist: JSON) -> tuple[str, str]:
    """Newest first once reversed: eventDate is dd-MM-yyyy, so reorder it."""
    day, month, year = setlist.get("eventDate", "01-01-1900").split("-")
    return (f"{year}-{month}-{day}", setlist.get("id", ""))


@dataclass(slots=True)
class SpotifyCatalog:
    artists: dict[str, JSON] = field(default_factory=dict)
    albums: dict[str, JSON] = field(default_factory=dict)  # without "tracks"
    album_tracks: dict[str, list[JSON]] = field(default_factory=dict)
    track_albums: dict[str, str] = field(default_factory=dict)  # track -> album
    isrcs: dict[str, str] = field(default_factory=dict)
    artist_albums: dict[str, list[JSON]] = field(default_factory=dict)
    searches: dict[str, list[JSON]] = field(default_factory=dict)  # recorded

    def add_album(self, album: JSON, tracks: list[JSON]) -> None:
        self.albums[album["id"]] = {k: v for k, v in album.items() if k != "tracks"}
        self.album_tracks[album["id"]] = tracks
        for track in tracks:
            self.track_albums[track["id"]] = album["id"]

    def find_artists(self, query: str) -> list[JSON]:
        key = search_key(query)
        recorded = self.searches.get(key)
        if recorded is not None:
            return recorded
        if not key:
            return []
        hits = [a for a in self.artists.values() if name_matches(key, a["name"])]
        return sorted(hits, key=lambda a: (-_popularity(a), a["id"]))


def _popularity(artist: JSON) -> int:
    return int(artist.get("popularity") or 0)


@dataclass(slots=True)
class TicketmasterCatalog:
    attractions: dict[str, JSON] = field(default_factory=dict)
    events: dict[str, EventEntry] = field(default_factory=dict)
    searches: dict[str, list[JSON]] = field(default_factory=dict)  # recorded
    _ordered: list[EventEntry] | None = None

    def put_event(self, event: JSON) -> EventEntry:
        entry = EventEntry.of(event)
        self.events[event["id"]] = entry
        self._ordered = None
        return entry

    def remove_event(self, event_id: str) -> bool:
        self._ordered = None
        return self.events.pop(event_id, None) is not None

    def ordered_events(self) -> list[EventEntry]:
        """Every event by start, undated ones last; rebuilt after a change."""
        if self._ordered is None:
            self._ordered = sorted(self.events.values(), key=lambda e: e.sort_key)
        return self._ordered

    def find_attractions(self, keyword: str) -> list[JSON]:
        recorded = self.searches.get(fold(keyword))
        if recorded is not None:
            return recorded
        folded = fold(keyword)
        hits = [
            a for a in self.attractions.values() if name_matches(keyword, a["name"])
        ]
        # Relevance: the whole phrase first, then the busiest attractions.
        return sorted(
            hits,
            key=lambda a: (
                folded not in fold(a["name"]),
                -a.get("upcomingEvents", {}).get("_total", 0),
                fold(a["name"]),
            ),
        )


@dataclass(slots=True)
class SetlistCatalog:
    artists: dict[str, JSON] = field(default_factory=dict)
    setlists: dict[str, JSON] = field(default_factory=dict)
    searches: dict[str, list[JSON]] = field(default_factory=dict)  # recorded
    _by_artist: dict[str, list[JSON]] | None = None

    def put_setlist(self, setlist: JSON) -> None:
        self.setlists[setlist["id"]] = setlist
        self._by_artist = None
        artist = setlist.get("artist")
        if artist and artist.get("mbid") and artist["mbid"] not in self.artists:
            self.artists[artist["mbid"]] = artist

    def remove_setlist(self, setlist_id: str) -> JSON | None:
        self._by_artist = None
        return self.setlists.pop(setlist_id, None)

    def setlists_of(self, mbid: str) -> list[JSON]:
        """An artist's setlists, newest first."""
        if self._by_artist is None:
            grouped: dict[str, list[JSON]] = {}
            for setlist in self.setlists.values():
                key = setlist.get("artist", {}).get("mbid", "")
                grouped.setdefault(key, []).append(setlist)
            for items in grouped.values():
                items.sort(key=setlist_sort_key, reverse=True)
            self._by_artist = grouped
        return self._by_artist.get(mbid, [])

    def find_artists(self, name: str) -> list[JSON]:
        recorded = self.searches.get(fold(name))
        if recorded is not None:
            return recorded
        return [a for a in self.artists.values() if name_matches(name, a["name"])]


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    """One recorded body with the request it answered."""

    path: str
    query: dict[str, str]
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(slots=True)
class Store:
    spotify: SpotifyCatalog = field(default_factory=SpotifyCatalog)
    ticketmaster: TicketmasterCatalog = field(default_factory=TicketmasterCatalog)
    setlistfm: SetlistCatalog = field(default_factory=SetlistCatalog)
    recorded: dict[str, list[RecordedResponse]] = field(default_factory=dict)
    artists: list[JSON] = field(default_factory=list)  # summaries, for control
    truths: dict[str, JSON] = field(default_factory=dict)  # by every id and slug

    def recorded_for(self, path: str, query: dict[str, str]) -> RecordedResponse | None:
        """The recording of a path whose query agrees most with this one."""
        candidates = self.recorded.get(path.rstrip("/"), [])
        if not candidates:
            return None
        return max(candidates, key=lambda r: _query_agreement(r.query, query))

    def truth(self, key: str) -> JSON | None:
        return self.truths.get(key) or self.truths.get(fold(key))


def _query_agreement(recorded: dict[str, str], asked: dict[str, str]) -> int:
    same = sum(1 for k, v in recorded.items() if asked.get(k) == v)
    return same * 2 - len(set(recorded) ^ set(asked))
