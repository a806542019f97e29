"""Spotify Web API client: artists, their albums and singles, and album tracks."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote

import redis.asyncio as aioredis
from yarl import URL

from clients.errors import (
    BadResponse,
    NotFound,
    RateLimited,
    Rejected,
    Unauthorized,
    Unavailable,
    UpstreamError,
)
from clients.http import Params, UpstreamClient, UpstreamHttp, secret_or
from clients.parsing import (
    Json,
    MalformedError,
    as_mapping,
    loads_or_none,
    merge_pages,
    opt_int,
    opt_mapping,
    opt_str,
    parse_items,
    req_str,
    str_tuple,
    text,
    widest_image_url,
)
from clients.ratelimit import ServiceRateLimiter
from clients.types import Page, SpotifyAlbum, SpotifyArtist, SpotifyTrack
from encore.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE = "spotify"
# Sent when no credentials are configured: the sandbox takes any non-empty pair.
PLACEHOLDER_CLIENT_ID = "encore-sandbox-client"
PLACEHOLDER_CLIENT_SECRET = "encore-sandbox-secret"
SEVERAL_ALBUMS_MAX = 20
# Renew a token this long before Spotify says it expires, so that a request
# does not leave with a token that dies on the way.
TOKEN_MARGIN_SECONDS = 30.0
# A listing longer than this many pages is a paging loop, not a discography.
MAX_PAGES = 500


def translate_error(
    status: int, body: bytes, path: str, headers: Mapping[str, str]
) -> UpstreamError:
    """The one place a failed Spotify response becomes an error."""
    code, message = _error_fields(body)
    detail = message or code or "no error message"
    if status == 401 or code == "invalid_client":
        return Unauthorized(SERVICE, detail, path=path, status=status)
    if status == 404 or (status == 400 and message == "invalid id"):
        # A malformed id names nothing, just as an unknown one does.
        return NotFound(SERVICE, detail, path=path, status=status)
    if status == 429:
        return RateLimited(SERVICE, detail, path=path, status=status)
    if status >= 500:
        return Unavailable(SERVICE, detail, path=path, status=status)
    return Rejected(SERVICE, detail, path=path, status=status)


def _error_fields(body: bytes) -> tuple[str | None, str | None]:
    """(code, message) from any of Spotify's error shapes; Nones if none."""
    try:
        data = as_mapping(loads_or_none(body), "error body")
    except MalformedError:
        return None, None
    error = data.get("error")
    if isinstance(error, str):  # the accounts service: OAuth style
        return error, opt_str(data, "error_description")
    if isinstance(error, Mapping):  # the Web API, current and 2014 shapes
        message = opt_str(error, "message") or opt_str(error, "description")
        return opt_str(error, "type"), message
    return None, None


# --- parsing: JSON in, typed results out -----------------------------------


@dataclass(frozen=True, slots=True)
class FullAlbum:
    """An album object as served whole: the album and its first tracks."""

    album: SpotifyAlbum
    tracks: Page[SpotifyTrack]
    next_tracks_url: str | None


def parse_artist(raw: object) -> SpotifyArtist:
    data = as_mapping(raw, "artist")
    followers = opt_mapping(data, "followers")
    return SpotifyArtist(
        id=req_str(data, "id"),
        name=req_str(data, "name"),
        genres=str_tuple(data.get("genres")),
        image_url=widest_image_url(data.get("images")),
        popularity=opt_int(data, "popularity"),
        followers=opt_int(followers, "total") if followers else None,
    )


def parse_album(raw: object) -> SpotifyAlbum:
    data = as_mapping(raw, "album")
    group = opt_str(data, "album_group")
    return SpotifyAlbum(
        id=req_str(data, "id"),
        name=req_str(data, "name"),
        album_type=(opt_str(data, "album_type") or "album").lower(),
        album_group=group.lower() if group else None,
        release_date=opt_str(data, "release_date"),
        release_date_precision=opt_str(data, "release_date_precision"),
        total_tracks=opt_int(data, "total_tracks"),
        artist_ids=str_tuple(data.get("artists"), "id"),
        image_url=widest_image_url(data.get("images")),
    )


def parse_track(raw: object, album_id: str | None = None) -> SpotifyTrack:
    """A track; simplified ones (album listings) need the album id given."""
    data = as_mapping(raw, "track")
    album = opt_mapping(data, "album")
    owner = album_id or (opt_str(album, "id") if album else None)
    if owner is None:
        raise MalformedError("the track names no album")
    ids = opt_mapping(data, "external_ids")
    return SpotifyTrack(
        id=req_str(data, "id"),
        name=text(data, "name"),
        album_id=owner,
        disc_number=opt_int(data, "disc_number") or 1,
        track_number=opt_int(data, "track_number") or 0,
        duration_ms=opt_int(data, "duration_ms"),
        isrc=opt_str(ids, "isrc") if ids else None,
        artist_ids=str_tuple(data.get("artists"), "id"),
    )


def parse_artist_search(raw: object) -> Page[SpotifyArtist]:
    data = as_mapping(raw, "search result")
    paging = as_mapping(data.get("artists"), "artists")
    page, _ = _paging(paging, parse_artist, "artist")
    return page


def parse_albums_page(raw: object) -> tuple[Page[SpotifyAlbum], str | None]:
    """A page of an artist's albums and the URL of the next one."""
    return _paging(as_mapping(raw, "albums page"), parse_album, "album")


def parse_tracks_page(
    raw: object, album_id: str
) -> tuple[Page[SpotifyTrack], str | None]:
    """A page of one album's tracks and the URL of the next one."""

    def parse_one(item: object) -> SpotifyTrack:
        return parse_track(item, album_id)

    return _paging(as_mapping(raw, "tracks page"), parse_one, "track")


def parse_full_album(raw: object) -> FullAlbum:
    """An album with its first page of tracks and the next tracks URL."""
    album = parse_album(raw)
    data = as_mapping(raw, "album")
    tracks = data.get("tracks")
    if tracks is None:
        return FullAlbum(album, Page(items=()), None)
    page, next_url = parse_tracks_page(tracks, album.id)
    return FullAlbum(album, page, next_url)


def parse_several_albums(raw: object) -> list[FullAlbum | MalformedError | None]:
    """``GET /albums?ids=``: one entry per id asked, in order.

    None is Spotify's own answer for an unknown id; an album that cannot be
    read is the error instead, so that the caller can fetch it on its own.
    """
    data = as_mapping(raw, "several albums")
    albums = data.get("albums")
    if not isinstance(albums, list):
        raise MalformedError("'albums' is missing or not a list")
    entries: list[FullAlbum | MalformedError | None] = []
    for item in albums:
        try:
            entries.append(None if item is None else parse_full_album(item))
        except (MalformedError, ValueError, TypeError) as exc:
            entries.append(MalformedError(str(exc)))
    return entries


def parse_top_tracks(raw: object) -> Page[SpotifyTrack]:
    data = as_mapping(raw, "top tracks")
    tracks = data.get("tracks")
    if not isinstance(tracks, list):
        raise MalformedError("'tracks' is missing or not a list")
    return parse_items(SERVICE, tracks, parse_track, "track")


def parse_token(raw: object) -> tuple[str, float]:
    """(access token, lifetime in seconds) from a client-credentials answer."""
    data = as_mapping(raw, "token")
    lifetime = opt_int(data, "expires_in")
    return req_str(data, "access_token"), float(lifetime or 3600)


def _paging(
    data: Json, parse_one: Callable[[object], T], what: str
) -> tuple[Page[T], str | None]:
    items = data.get("items")
    if not isinstance(items, list):
        raise MalformedError("'items' is missing or not a list")
    page = parse_items(SERVICE, items, parse_one, what, total=opt_int(data, "total"))
    return page, opt_str(data, "next")


# --- the client --------------------------------------------------------------


class _ClientCredentialsToken:
    """One bearer token shared by every request of a client, renewed once.

    Concurrent callers wait on one lock, so N of them cause one token
    request; a 401 renews the token only if it is still the one refused.
    """

    def __init__(self, http: UpstreamHttp, settings: Settings) -> None:
        self._http = http
        self._url = settings.spotify_accounts_url
        client_id = secret_or(settings.spotify_client_id, PLACEHOLDER_CLIENT_ID)
        secret = secret_or(settings.spotify_client_secret, PLACEHOLDER_CLIENT_SECRET)
        pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        self._basic = f"Basic {pair}"
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    async def headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {await self._current()}"}

    async def refresh(self, rejected: Mapping[str, str]) -> None:
        async with self._lock:
            if rejected.get("Authorization") == f"Bearer {self._token}":
                self._token = None
            if not self._is_fresh():
                await self._fetch()

    async def _current(self) -> str:
        if self._is_fresh() and self._token is not None:
            return self._token
        async with self._lock:
            if not self._is_fresh():
                await self._fetch()
            assert self._token is not None
            return self._token

    def _is_fresh(self) -> bool:
        return self._token is not None and time.monotonic() < self._expires_at

    async def _fetch(self) -> None:
        response = await self._http.request(
            "POST",
            self._url,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": self._basic},
            paced=False,  # the accounts service is not the Web API's budget
        )
        try:
            token, lifetime = parse_token(self._http.decode_json(response))
        except MalformedError as exc:
            raise BadResponse(SERVICE, str(exc), path=response.path) from exc
        self._token = token
        margin = min(TOKEN_MARGIN_SECONDS, lifetime / 10)
        self._expires_at = time.monotonic() + lifetime - margin
        log.info("spotify token obtained", extra={"service": SERVICE})


class SpotifyClient(UpstreamClient):
    """Reads artists, albums and tracks from Spotify (or the sandbox).

    Use as ``async with SpotifyClient(settings, redis) as spotify:`` or call
    ``close()``. Fields restricted apps no longer get are optional in every
    result, and the several-albums endpoint is used only while it works.
    """

    def __init__(self, settings: Settings, redis: aioredis.Redis) -> None:
        self._settings = settings
        self._api = settings.spotify_api_url
        client_id = secret_or(settings.spotify_client_id, PLACEHOLDER_CLIENT_ID)
        limiter = ServiceRateLimiter(
            redis,
            SERVICE,
            client_id,
            rate_per_second=settings.spotify_rate_per_second,
            safety=settings.upstream_rate_safety,
            max_wait=settings.upstream_max_queue_seconds,
        )
        http = UpstreamHttp(SERVICE, settings, translate_error, limiter=limiter)
        super().__init__(http, _ClientCredentialsToken(http, settings))
        self._batch_albums = settings.spotify_batch_endpoints

    async def search_artists(self, name: str, limit: int = 10) -> Page[SpotifyArtist]:
        params = self._market({"q": name, "type": "artist", "limit": limit})
        url = f"{self._api}/search"
        return await self._get(url, params, parse_artist_search)

    async def get_artist(self, artist_id: str) -> SpotifyArtist:
        url = f"{self._api}/artists/{_segment(artist_id)}"
        return await self._get(url, None, parse_artist)

    async def iter_artist_albums(
        self, artist_id: str, include_groups: Sequence[str] = ("album", "single")
    ) -> AsyncIterator[Page[SpotifyAlbum]]:
        """Every page of the artist's releases, following ``next`` to its end.

        ``total`` is not trusted: Spotify's is known to count releases it
        then leaves out.
        """
        params: Params | None = self._market(
            {
                "include_groups": ",".join(include_groups),
                "limit": self._settings.spotify_albums_page_size,
                "offset": 0,
            }
        )
        url: str | None = f"{self._api}/artists/{_segment(artist_id)}/albums"
        seen_urls: set[str] = set()
        while url is not None:
            page, next_url = await self._get(url, params, parse_albums_page)
            yield page
            seen_urls.add(url)
            url, params = self._next(next_url, seen_urls), None

    async def get_album_tracks(self, album_id: str) -> Page[SpotifyTrack]:
        """All tracks of one album, every page."""
        params = self._market(
            {"limit": self._settings.spotify_tracks_page_size, "offset": 0}
        )
        url = f"{self._api}/albums/{_segment(album_id)}/tracks"
        first, next_url = await self._get(
            url, params, lambda raw: parse_tracks_page(raw, album_id)
        )
        return await self._rest_of_tracks(album_id, first, next_url, {url})

    async def get_album(self, album_id: str) -> tuple[SpotifyAlbum, Page[SpotifyTrack]]:
        """One album with all its tracks."""
        url = f"{self._api}/albums/{_segment(album_id)}"
        full = await self._get(url, self._market({}), parse_full_album)
        tracks = await self._rest_of_tracks(
            full.album.id, full.tracks, full.next_tracks_url, {url}
        )
        return full.album, tracks

    async def get_albums_tracks(
        self, album_ids: Sequence[str]
    ) -> dict[str, Page[SpotifyTrack]]:
        """The tracks of many albums, keyed by album id.

        Uses ``GET /albums?ids=`` (20 at a time) while the setting allows and
        the service does not refuse it with 403 (restricted apps); otherwise
        one album at a time. Albums Spotify does not know are left out.
        """
        wanted = list(dict.fromkeys(album_ids))
        tracks: dict[str, Page[SpotifyTrack]] = {}
        unknown: set[str] = set()
        if self._batch_albums:
            await self._batch_tracks(wanted, tracks, unknown)
        for album_id in wanted:
            if album_id in tracks or album_id in unknown:
                continue
            try:
                tracks[album_id] = await self.get_album_tracks(album_id)
            except NotFound:
                unknown.add(album_id)
        if unknown:
            log.warning(
                "albums not found",
                extra={"service": SERVICE, "album_ids": sorted(unknown)},
            )
        return tracks

    async def get_top_tracks(self, artist_id: str) -> Page[SpotifyTrack]:
        """The artist's top tracks; empty where restricted apps lost the endpoint."""
        url = f"{self._api}/artists/{_segment(artist_id)}/top-tracks"
        market = self._settings.spotify_market or "US"
        try:
            return await self._get(url, {"market": market}, parse_top_tracks)
        except Rejected as exc:
            if exc.status != 403:
                raise
            return Page(items=())

    async def _batch_tracks(
        self,
        wanted: Sequence[str],
        tracks: dict[str, Page[SpotifyTrack]],
        unknown: set[str],
    ) -> None:
        for start in range(0, len(wanted), SEVERAL_ALBUMS_MAX):
            chunk = wanted[start : start + SEVERAL_ALBUMS_MAX]
            try:
                entries = await self._get(
                    f"{self._api}/albums",
                    self._market({"ids": ",".join(chunk)}),
                    parse_several_albums,
                )
            except Rejected as exc:
                if exc.status != 403:
                    raise
                log.info(
                    "several-albums endpoint refused; fetching albums one by one",
                    extra={"service": SERVICE, "status": exc.status},
                )
                self._batch_albums = False
                return
            await self._collect_batch(chunk, entries, tracks, unknown)

    async def _collect_batch(
        self,
        chunk: Sequence[str],
        entries: Sequence[FullAlbum | MalformedError | None],
        tracks: dict[str, Page[SpotifyTrack]],
        unknown: set[str],
    ) -> None:
        # Ids answered unreadably, or not at all, go in neither map: the
        # caller fetches those one by one.
        for album_id, entry in zip(chunk, entries, strict=False):
            if entry is None:
                unknown.add(album_id)
            elif isinstance(entry, MalformedError):
                log.warning(
                    "unreadable album in a batch",
                    extra={"service": SERVICE, "album_id": album_id},
                )
            else:
                # Albums with more tracks than the batch embeds page on.
                tracks[album_id] = await self._rest_of_tracks(
                    album_id, entry.tracks, entry.next_tracks_url
                )

    async def _rest_of_tracks(
        self,
        album_id: str,
        first: Page[SpotifyTrack],
        next_url: str | None,
        seen_urls: set[str] | None = None,
    ) -> Page[SpotifyTrack]:
        pages = [first]
        seen = set(seen_urls or ())
        url = self._next(next_url, seen)
        while url is not None:
            page, next_url = await self._get(
                url, None, lambda raw: parse_tracks_page(raw, album_id)
            )
            pages.append(page)
            seen.add(url)
            url = self._next(next_url, seen)
        return merge_pages(pages)

    def _next(self, next_url: str | None, seen: set[str]) -> str | None:
        """The next page's URL, checked: same service, not a page seen before."""
        if next_url is None:
            return None
        target, api = URL(next_url), URL(self._api)
        if target.origin() != api.origin():
            raise BadResponse(
                SERVICE, "a next link points off the service", path=target.path
            )
        if next_url in seen or len(seen) >= MAX_PAGES:
            raise BadResponse(SERVICE, "paging does not end", path=target.path)
        return next_url

    def _market(self, params: dict[str, str | int]) -> dict[str, str | int]:
        if self._settings.spotify_market:
            params["market"] = self._settings.spotify_market
        return params


def _segment(value: str) -> str:
    """An id made safe to use as one URL path segment."""
    return quote(value, safe="")
