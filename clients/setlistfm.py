"""setlist.fm REST 1.0 client: artists by MBID and their past setlists."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TypeVar
from urllib.parse import quote

import redis.asyncio as aioredis

from clients.errors import (
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
    as_list,
    as_mapping,
    loads_or_none,
    opt_bool,
    opt_float,
    opt_int,
    opt_mapping,
    opt_str,
    parse_items,
    req_str,
    text,
)
from clients.ratelimit import ServiceRateLimiter
from clients.types import (
    Page,
    Setlist,
    SetlistArtist,
    SetlistSet,
    SetlistSong,
    SetlistVenue,
)
from encore.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE = "setlistfm"
PLACEHOLDER_API_KEY = "encore-sandbox-key"
EVENT_DATE_FORMAT = "%d-%m-%Y"
LAST_UPDATED_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")


def translate_error(
    status: int, body: bytes, path: str, headers: Mapping[str, str]
) -> UpstreamError:
    """The one place a failed setlist.fm response becomes an error.

    Two body shapes exist (the documented ``{code, status, message}`` and a
    framework default ``{status, error, message, path}``); only the message
    is taken from either.
    """
    detail = _error_message(body)
    if status in (401, 403):
        return Unauthorized(SERVICE, detail, path=path, status=status)
    if status == 404:
        return NotFound(SERVICE, detail, path=path, status=status)
    if status == 429:
        return RateLimited(SERVICE, detail, path=path, status=status)
    if status >= 500:
        return Unavailable(SERVICE, detail, path=path, status=status)
    return Rejected(SERVICE, detail, path=path, status=status)


def _error_message(body: bytes) -> str:
    data = loads_or_none(body)
    if not isinstance(data, Mapping):
        return "no error details"
    return opt_str(data, "message") or opt_str(data, "error") or "no error details"


# --- parsing -------------------------------------------------------------------


def parse_artist(raw: object) -> SetlistArtist:
    data = as_mapping(raw, "artist")
    return SetlistArtist(
        mbid=req_str(data, "mbid"),
        name=req_str(data, "name"),
        sort_name=opt_str(data, "sortName"),
        disambiguation=opt_str(data, "disambiguation"),
        tmid=opt_int(data, "tmid"),
    )


def parse_setlist(raw: object) -> Setlist:
    data = as_mapping(raw, "setlist")
    artist = as_mapping(data.get("artist"), "'artist'")
    venue = opt_mapping(data, "venue")
    tour = opt_mapping(data, "tour")
    return Setlist(
        id=req_str(data, "id"),
        version_id=opt_str(data, "versionId"),
        event_date=_event_date(req_str(data, "eventDate")),
        artist_mbid=req_str(artist, "mbid"),
        venue=_venue(venue) if venue else None,
        tour=opt_str(tour, "name") if tour else None,
        info=opt_str(data, "info"),
        url=opt_str(data, "url"),
        sets=_sets(data.get("sets")),
        last_updated=_last_updated(opt_str(data, "lastUpdated")),
    )


def parse_setlists_page(raw: object) -> Page[Setlist]:
    data, items = _envelope(raw, "setlist")
    return parse_items(
        SERVICE, items, parse_setlist, "setlist", total=opt_int(data, "total")
    )


def parse_artists_page(raw: object) -> Page[SetlistArtist]:
    data, items = _envelope(raw, "artist")
    return parse_items(
        SERVICE, items, parse_artist, "artist", total=opt_int(data, "total")
    )


def _setlists_with_numbers(raw: object) -> tuple[Page[Setlist], int, int]:
    _, per_page, total = page_numbers(raw)
    return parse_setlists_page(raw), per_page, total


def page_numbers(raw: object) -> tuple[int, int, int]:
    """(page, itemsPerPage, total) of a listing envelope."""
    data = as_mapping(raw, "listing")
    return (
        opt_int(data, "page") or 1,
        opt_int(data, "itemsPerPage") or 20,
        opt_int(data, "total") or 0,
    )


def _envelope(raw: object, key: str) -> tuple[Json, list[object]]:
    """The envelope ``{type, itemsPerPage, page, total, <key>: [...]}``."""
    data = as_mapping(raw, "listing")
    if "total" not in data and key not in data:
        raise MalformedError(f"neither 'total' nor {key!r}: not a listing")
    items = data.get(key, [])
    if not isinstance(items, list | Mapping):
        raise MalformedError(f"{key!r} is not a list")
    return data, as_list(items)


def _venue(data: Json) -> SetlistVenue:
    city = opt_mapping(data, "city")
    coords = opt_mapping(city, "coords") if city else None
    country = opt_mapping(city, "country") if city else None
    region = (opt_str(city, "state") or opt_str(city, "stateCode")) if city else None
    return SetlistVenue(
        id=req_str(data, "id"),
        name=opt_str(data, "name") or "",
        city=opt_str(city, "name") if city else None,
        region=region,
        country=opt_str(country, "code") if country else None,
        latitude=opt_float(coords, "lat") if coords else None,
        longitude=opt_float(coords, "long") if coords else None,
    )


def _sets(raw: object) -> tuple[SetlistSet, ...]:
    # "sets" is an object holding "set", which may be a list, a single
    # object, or missing; older responses had "sets": "" for none.
    holder = raw if isinstance(raw, Mapping) else {}
    found = []
    for item in as_list(holder.get("set")):
        if isinstance(item, Mapping):
            found.append(_set(item))
    return tuple(found)


def _set(data: Json) -> SetlistSet:
    songs = [_song(s) for s in as_list(data.get("song")) if isinstance(s, Mapping)]
    return SetlistSet(
        name=opt_str(data, "name"),
        encore=opt_int(data, "encore") or 0,
        songs=tuple(songs),
    )


def _song(data: Json) -> SetlistSong:
    cover = opt_mapping(data, "cover")
    guest = opt_mapping(data, "with")
    return SetlistSong(
        name=text(data, "name"),
        info=opt_str(data, "info"),
        tape=opt_bool(data, "tape"),
        cover_of=opt_str(cover, "name") if cover else None,
        with_artist=opt_str(guest, "name") if guest else None,
    )


def _event_date(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, EVENT_DATE_FORMAT).date()
    except ValueError:
        raise MalformedError(f"eventDate {value!r} is not dd-MM-yyyy") from None


def _last_updated(value: str | None) -> dt.datetime | None:
    for layout in LAST_UPDATED_FORMATS if value else ():
        try:
            return dt.datetime.strptime(value or "", layout)
        except ValueError:
            continue
    return None


# --- the client ----------------------------------------------------------------


class SetlistFmClient(UpstreamClient):
    """Reads artists and setlists from setlist.fm (or the sandbox).

    Use as ``async with SetlistFmClient(settings, redis) as setlistfm:`` or
    call ``close()``. A 404 on a search or a listing means "nothing": the
    service answers so when it has no hits.
    """

    def __init__(self, settings: Settings, redis: aioredis.Redis) -> None:
        key = secret_or(settings.setlistfm_api_key, PLACEHOLDER_API_KEY)
        limiter = ServiceRateLimiter(
            redis,
            SERVICE,
            key,
            rate_per_second=settings.setlistfm_rate_per_second,
            daily_quota=settings.setlistfm_daily_quota,
            safety=settings.upstream_rate_safety,
            max_wait=settings.upstream_max_queue_seconds,
        )
        headers = {
            "x-api-key": key,
            # The default representation is XML, and names are localised.
            "Accept": "application/json",
            "Accept-Language": "en",
        }
        super().__init__(
            UpstreamHttp(
                SERVICE, settings, translate_error, limiter=limiter, headers=headers
            )
        )
        self._api = settings.setlistfm_api_url
        self._max_pages = settings.setlist_max_pages

    async def search_artists(
        self,
        name: str | None = None,
        *,
        mbid: str | None = None,
        tmid: int | None = None,
        page: int = 1,
    ) -> Page[SetlistArtist]:
        """Artists by name, MBID or Ticketmaster legacy id; one page of 30."""
        params: dict[str, str | int] = {"p": page, "sort": "relevance"}
        for key, value in (("artistName", name), ("artistMbid", mbid), ("tmid", tmid)):
            if value is not None:
                params[key] = value
        if len(params) == 2:
            raise ValueError("search_artists needs a name, an mbid or a tmid")
        url = f"{self._api}/search/artists"
        return await self._listing(url, params, parse_artists_page)

    async def get_artist(self, mbid: str) -> SetlistArtist:
        url = f"{self._api}/artist/{quote(mbid, safe='')}"
        return await self._get(url, None, parse_artist)

    async def get_setlist(self, setlist_id: str) -> Setlist:
        url = f"{self._api}/setlist/{quote(setlist_id, safe='')}"
        return await self._get(url, None, parse_setlist)

    async def iter_setlists(
        self, mbid: str, max_pages: int | None = None
    ) -> AsyncIterator[Page[Setlist]]:
        """The artist's setlists, newest first, a page of 20 at a time.

        Stops after the last page (page * itemsPerPage >= total) or after
        ``max_pages`` (default: the ``setlist_max_pages`` setting, which may
        be unset for no limit).
        """
        limit = max_pages if max_pages is not None else self._max_pages
        url = f"{self._api}/artist/{quote(mbid, safe='')}/setlists"
        number = 1
        while limit is None or number <= limit:
            page, per_page, total = await self._listing(
                url, {"p": number}, _setlists_with_numbers
            )
            yield page
            if not (page.items or page.skipped) or number * per_page >= total:
                return
            number += 1

    async def _listing(
        self, url: str, params: Params, parse: Callable[[object], T]
    ) -> T:
        """A listing page; the service's 404 for "no hits" reads as empty."""
        try:
            return await self._get(url, params, parse)
        except NotFound:
            return parse({"total": 0})
