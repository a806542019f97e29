"""What a sandbox serves and how it behaves: the configuration objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SERVICES = ("spotify", "spotify_accounts", "ticketmaster", "setlistfm")


@dataclass(frozen=True, slots=True)
class ArtistSpec:
    """One generated artist: its name, its sizes and which links it has.

    Sizes are exact when they can be met: ``albums`` counts every release on
    the artist's Spotify albums listing (albums, singles, compilations and
    appearances), ``tracks`` every track on those releases. Ids left as
    ``None`` are drawn from the generator's random stream.
    """

    name: str
    albums: int = 12
    tracks: int = 120
    setlists: int = 40
    events: int = 20
    on_spotify: bool = True
    spotify_link: bool = True  # the Ticketmaster attraction links the Spotify id
    mbid: bool = True  # linked from Ticketmaster and known to setlist.fm
    on_setlistfm: bool = True
    on_ticketmaster: bool = True
    popularity: int | None = None
    genre: str = "Rock"
    disambiguation: str = ""
    spotify_id: str | None = None
    ticketmaster_id: str | None = None
    musicbrainz_id: str | None = None


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """Everything a sandbox needs at start; some of it can change at runtime.

    ``today`` anchors generated dates (upcoming events after it, setlists
    before it); left ``None`` it is the current UTC date, so the same seed
    gives the same bytes on the same day, and on any day with ``today`` set.
    Credentials are accepted when non-empty unless an allow-list is given.
    """

    recordings_dir: Path | None = None
    rate_limits: bool = True
    spotify_rate_per_second: float = 10.0
    ticketmaster_rate_per_second: float = 5.0
    ticketmaster_daily_quota: int = 5000
    setlistfm_rate_per_second: float = 2.0
    setlistfm_daily_quota: int = 1440
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    spotify_batch_endpoints: bool = True
    token_ttl_seconds: float = 3600.0
    seed: int = 0
    artists: tuple[ArtistSpec, ...] = ()
    builtin_artists: bool | None = None  # None: only when not serving recordings
    today: dt.date | None = None
    spotify_clients: Mapping[str, str] | None = None
    ticketmaster_api_keys: frozenset[str] | None = None
    setlistfm_api_keys: frozenset[str] | None = None

    @property
    def serves_builtins(self) -> bool:
        if self.builtin_artists is None:
            return self.recordings_dir is None
        return self.builtin_artists

    def anchor_date(self) -> dt.date:
        return self.today or dt.datetime.now(dt.UTC).date()
