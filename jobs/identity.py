"""Who an artist is: the one record a key names, and the ids of the others.

In the request, a new artist costs one upstream round trip (the record its
key names; for a Ticketmaster attraction, whose external links carry the
Spotify id and MBID). In the worker, the ids still missing are looked up by
name in the other services, never by trusting a first search hit.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError

from clients.errors import NotFound, UpstreamError
from encore.errors import BadInputError, NotFoundError
from jobs.names import (
    AmbiguousName,
    NoConvincingMatch,
    attraction_candidates,
    match_name,
    normalize_name,
    setlist_artist_candidates,
    spotify_artist_candidates,
)
from models import Artist
from models.slugs import slugify, unique_slugs

if TYPE_CHECKING:
    from jobs.runtime import Upstream

log = logging.getLogger(__name__)

SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
MBID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
TICKETMASTER_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
MAX_NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class ArtistKey:
    """Exactly one way of naming an artist."""

    ticketmaster_id: str | None = None
    spotify_id: str | None = None
    mbid: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        given = {k: v.strip() for k, v in self._fields().items() if v and v.strip()}
        if len(given) != 1:
            raise BadInputError(
                "give exactly one of ticketmasterId, spotifyId, mbid or name"
            )
        for key, value in given.items():
            object.__setattr__(self, key, value)
        self._check_format()

    def _fields(self) -> dict[str, str | None]:
        return {
            "ticketmaster_id": self.ticketmaster_id,
            "spotify_id": self.spotify_id,
            "mbid": self.mbid,
            "name": self.name,
        }

    def _check_format(self) -> None:
        if self.spotify_id and not SPOTIFY_ID.match(self.spotify_id):
            raise BadInputError("spotifyId must be a 22-character Spotify id")
        if self.mbid:
            if not MBID.match(self.mbid):
                raise BadInputError("mbid must be a MusicBrainz id (a UUID)")
            object.__setattr__(self, "mbid", self.mbid.lower())
        if self.ticketmaster_id and not TICKETMASTER_ID.match(self.ticketmaster_id):
            raise BadInputError("ticketmasterId must be a Ticketmaster attraction id")
        if self.name and len(self.name) > MAX_NAME_LENGTH:
            raise BadInputError(f"name must be at most {MAX_NAME_LENGTH} characters")

    def describe(self) -> str:
        field_name, value = next((k, v) for k, v in self._fields().items() if v)
        return f"{field_name}={value}"


@dataclass(slots=True)
class Identity:
    name: str
    ticketmaster_id: str | None = None
    spotify_id: str | None = None
    mbid: str | None = None
    genres: list[str] = field(default_factory=list)
    image_url: str | None = None


async def find_known_artist(key: ArtistKey) -> Artist | None:
    """The stored artist the key names, without asking any upstream."""
    if key.ticketmaster_id:
        return await Artist.get_or_none(ticketmaster_id=key.ticketmaster_id)
    if key.spotify_id:
        return await Artist.get_or_none(spotify_id=key.spotify_id)
    if key.mbid:
        return await Artist.get_or_none(mbid=key.mbid)
    assert key.name is not None
    matches = await Artist.filter(search_name=normalize_name(key.name)).limit(2)
    return matches[0] if len(matches) == 1 else None


async def resolve_identity(key: ArtistKey, upstream: Upstream) -> Identity:
    """The one upstream record the key names, as an identity."""
    try:
        if key.ticketmaster_id:
            attraction = await upstream.ticketmaster.get_attraction(key.ticketmaster_id)
            return Identity(
                name=attraction.name,
                ticketmaster_id=attraction.id,
                spotify_id=attraction.spotify_id,
                mbid=attraction.mbid,
                genres=list(attraction.genres),
                image_url=attraction.image_url,
            )
        if key.spotify_id:
            artist = await upstream.spotify.get_artist(key.spotify_id)
            return Identity(
                name=artist.name,
                spotify_id=artist.id,
                genres=list(artist.genres),
                image_url=artist.image_url,
            )
        if key.mbid:
            performer = await upstream.setlistfm.get_artist(key.mbid)
            return Identity(name=performer.name, mbid=performer.mbid)
    except NotFound as exc:
        raise NotFoundError(f"no artist found for {key.describe()}") from exc
    assert key.name is not None
    return await _resolve_name(key.name, upstream)


async def _resolve_name(name: str, upstream: Upstream) -> Identity:
    attractions = await upstream.ticketmaster.search_attractions(name)
    try:
        chosen = match_name(name, attraction_candidates(attractions.items)).value
    except NoConvincingMatch as exc:
        raise NotFoundError(str(exc)) from exc
    return Identity(
        name=chosen.name,
        ticketmaster_id=chosen.id,
        spotify_id=chosen.spotify_id,
        mbid=chosen.mbid,
        genres=list(chosen.genres),
        image_url=chosen.image_url,
    )


async def store_identity(identity: Identity) -> Artist:
    """Upsert the artist: an existing row holding any of the ids is updated."""
    ids = {
        k: v
        for k, v in (
            ("ticketmaster_id", identity.ticketmaster_id),
            ("spotify_id", identity.spotify_id),
            ("mbid", identity.mbid),
        )
        if v
    }
    for column, value in ids.items():
        existing = await Artist.filter(**{column: value}).first()
        if existing:
            await _fill_missing(existing, identity)
            return existing
    slug = await unique_slugs(
        Artist, [(repr(sorted(ids.items())), slugify(identity.name))]
    )
    try:
        artist = Artist(
            name=identity.name,
            search_name=normalize_name(identity.name),
            slug=next(iter(slug.values())),
            genres=identity.genres,
            image_url=identity.image_url,
            ticketmaster_id=identity.ticketmaster_id,
            spotify_id=identity.spotify_id,
            mbid=identity.mbid,
        )
        await artist.save()
        return artist
    except IntegrityError:
        # Another request stored the same artist a moment ago.
        for column, value in ids.items():
            existing = await Artist.filter(**{column: value}).first()
            if existing:
                return existing
        raise


async def _fill_missing(artist: Artist, identity: Identity) -> None:
    changed: list[str] = []
    for column in ("ticketmaster_id", "spotify_id", "mbid", "image_url"):
        value = getattr(identity, column)
        if value and not getattr(artist, column):
            setattr(artist, column, value)
            changed.append(column)
    if identity.genres and not artist.genres:
        artist.genres = identity.genres
        changed.append("genres")
    if changed:
        try:
            await artist.save(update_fields=changed)
        except IntegrityError:
            log.warning("artist ids not merged", extra={"artist_id": artist.id})
            await artist.refresh_from_db()


async def complete_identity(artist: Artist, upstream: Upstream) -> list[str]:
    """Look up the ids the artist still lacks; returns warnings for those not found."""
    warnings: list[str] = []
    found = Identity(name=artist.name)
    lookups: list[tuple[str, str, Any]] = []
    if not artist.ticketmaster_id:
        lookups.append(("Ticketmaster", "ticketmaster_id", _find_attraction))
    if not artist.spotify_id:
        lookups.append(("Spotify", "spotify_id", _find_spotify))
    if not artist.mbid:
        lookups.append(("setlist.fm", "mbid", _find_mbid))
    for service, column, finder in lookups:
        try:
            await finder(artist.name, upstream, found)
        except (NotFoundError, AmbiguousName) as exc:
            warnings.append(f"{service}: {exc}")
        except UpstreamError as exc:
            warnings.append(f"{service} unavailable while confirming the artist: {exc}")
        if not getattr(found, column) and not any(
            w.startswith(service) for w in warnings
        ):
            warnings.append(f"{service}: no matching artist")
    await _fill_missing(artist, found)
    return warnings


async def _find_attraction(name: str, upstream: Upstream, found: Identity) -> None:
    attractions = await upstream.ticketmaster.search_attractions(name)
    chosen = match_name(name, attraction_candidates(attractions.items)).value
    found.ticketmaster_id = chosen.id
    found.spotify_id = found.spotify_id or chosen.spotify_id
    found.mbid = found.mbid or chosen.mbid


async def _find_spotify(name: str, upstream: Upstream, found: Identity) -> None:
    if found.spotify_id:
        return
    artists = await upstream.spotify.search_artists(name)
    chosen = match_name(name, spotify_artist_candidates(artists.items)).value
    found.spotify_id = chosen.id
    found.genres = list(chosen.genres)
    found.image_url = chosen.image_url


async def _find_mbid(name: str, upstream: Upstream, found: Identity) -> None:
    if found.mbid:
        return
    artists = await upstream.setlistfm.search_artists(name=name)
    found.mbid = match_name(name, setlist_artist_candidates(artists.items)).value.mbid
