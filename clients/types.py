"""Typed results of the upstream clients: what the import reads, not raw JSON.

Every field a restricted Spotify app no longer receives, and everything the
services leave out now and then, is optional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SpotifyArtist:
    id: str
    name: str
    genres: tuple[str, ...] = ()
    image_url: str | None = None
    popularity: int | None = None
    followers: int | None = None


@dataclass(frozen=True, slots=True)
class SpotifyAlbum:
    id: str
    name: str
    album_type: str  # "album", "single" or "compilation"
    album_group: str | None  # "album", "single", "compilation", "appears_on"
    release_date: str | None  # as given: "2010", "2010-03" or "2010-03-03"
    release_date_precision: str | None
    total_tracks: int | None
    artist_ids: tuple[str, ...] = ()
    image_url: str | None = None


@dataclass(frozen=True, slots=True)
class SpotifyTrack:
    id: str
    name: str
    album_id: str
    disc_number: int = 1
    track_number: int = 0
    duration_ms: int | None = None
    isrc: str | None = None
    artist_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TmAttraction:
    id: str
    name: str
    url: str | None = None
    spotify_id: str | None = None  # from externalLinks.spotify
    mbid: str | None = None  # from externalLinks.musicbrainz
    is_music: bool = True
    upcoming_events: int | None = None
    genres: tuple[str, ...] = ()
    image_url: str | None = None


@dataclass(frozen=True, slots=True)
class TmVenue:
    id: str
    name: str
    city: str | None = None
    region: str | None = None  # state name or code
    country: str | None = None  # ISO country code where given
    timezone: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class TmEvent:
    id: str
    name: str
    url: str | None
    local_date: dt.date | None  # None while the date is TBA/TBD
    local_time: dt.time | None
    start_utc: dt.datetime | None  # aware, UTC
    timezone: str | None
    status: str | None  # onsale, offsale, canceled, postponed, rescheduled
    venue: TmVenue | None
    attractions: tuple[TmAttraction, ...] = ()  # headliner first, then support


@dataclass(frozen=True, slots=True)
class SetlistArtist:
    mbid: str
    name: str
    sort_name: str | None = None
    disambiguation: str | None = None
    tmid: int | None = None


@dataclass(frozen=True, slots=True)
class SetlistVenue:
    id: str
    name: str
    city: str | None = None
    region: str | None = None
    country: str | None = None  # ISO country code
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class SetlistSong:
    name: str
    info: str | None = None
    tape: bool = False
    cover_of: str | None = None
    with_artist: str | None = None


@dataclass(frozen=True, slots=True)
class SetlistSet:
    name: str | None
    encore: int  # 0 for the main set
    songs: tuple[SetlistSong, ...]


@dataclass(frozen=True, slots=True)
class Setlist:
    id: str
    version_id: str | None
    event_date: dt.date  # the local date at the venue
    artist_mbid: str
    venue: SetlistVenue | None
    tour: str | None
    info: str | None
    url: str | None
    sets: tuple[SetlistSet, ...]
    last_updated: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing, with the items that could not be parsed."""

    items: tuple[T, ...]
    skipped: int = 0
    warnings: tuple[str, ...] = field(default=())
    # The size of the whole listing as the service reports it; a hint only
    # (Spotify's is known to be wrong), never a reason to stop paging.
    total: int | None = None
