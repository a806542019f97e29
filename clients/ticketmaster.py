"""Ticketmaster Discovery v2 client: attractions and every event of one."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote, urlsplit

import redis.asyncio as aioredis

from clients.errors import (
    NotFound,
    QuotaExceeded,
    RateLimited,
    Rejected,
    Unauthorized,
    Unavailable,
    UpstreamError,
)
from clients.http import Params, UpstreamClient, UpstreamHttp, secret_or
from clients.parsing import (
    MalformedError,
    as_list,
    as_mapping,
    loads_or_none,
    opt_float,
    opt_int,
    opt_mapping,
    opt_str,
    parse_items,
    req_str,
    widest_image_url,
)
from clients.ratelimit import ServiceRateLimiter
from clients.types import Page, TmAttraction, TmEvent, TmVenue
from encore.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE = "ticketmaster"
PLACEHOLDER_API_KEY = "encore-sandbox-key"
# Discovery serves a page only while page * size < 1000, and no item past
# the 1000th even on such a page.
PAGING_DEPTH = 1000
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# Windows are bounded by UTC times while some events only have a local date:
# a day of slack on the outer window covers every time zone.
WINDOW_SLACK = dt.timedelta(days=1)
SMALLEST_WINDOW = dt.timedelta(seconds=1)


def translate_error(
    status: int, body: bytes, path: str, headers: Mapping[str, str]
) -> UpstreamError:
    """The one place a failed Ticketmaster response becomes an error.

    Two shapes exist: the gateway's ``{"fault": ...}`` (keys, quotas, spike
    arrest) and Discovery's own ``{"errors": [...]}``.
    """
    code, detail = _error_fields(body)
    if status == 429 and code is not None and code.endswith("QuotaViolation"):
        return QuotaExceeded(
            SERVICE,
            detail,
            path=path,
            status=status,
            retry_after=_quota_reset_seconds(headers),
        )
    if status == 401:
        return Unauthorized(SERVICE, detail, path=path, status=status)
    if status == 404:
        return NotFound(SERVICE, detail, path=path, status=status)
    if status == 429:
        return RateLimited(SERVICE, detail, path=path, status=status)
    if status >= 500:
        return Unavailable(SERVICE, detail, path=path, status=status)
    return Rejected(SERVICE, detail, path=path, status=status)


def _error_fields(body: bytes) -> tuple[str | None, str]:
    """(code, detail) from either error shape."""
    data = loads_or_none(body)
    if not isinstance(data, Mapping):
        return None, "no error details"
    fault = opt_mapping(data, "fault")
    if fault is not None:
        detail = opt_mapping(fault, "detail")
        code = opt_str(detail, "errorcode") if detail else None
        return code, opt_str(fault, "faultstring") or code or "gateway fault"
    errors = data.get("errors")
    for error in errors if isinstance(errors, list) else ():
        if isinstance(error, Mapping):
            code = opt_str(error, "code")
            return code, opt_str(error, "detail") or code or "error"
    return None, "no error details"


def _quota_reset_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds until ``Rate-Limit-Reset`` (epoch milliseconds), if sent."""
    try:
        reset_ms = float(headers.get("Rate-Limit-Reset", ""))
    except ValueError:
        return None
    return max(0.0, reset_ms / 1000 - time.time())


# --- parsing -------------------------------------------------------------------


def parse_attraction(raw: object) -> TmAttraction:
    data = as_mapping(raw, "attraction")
    links = opt_mapping(data, "externalLinks") or {}
    upcoming = opt_mapping(data, "upcomingEvents")
    classifications = [c for c in as_list(data.get("classifications")) if c]
    return TmAttraction(
        id=req_str(data, "id"),
        name=req_str(data, "name"),
        url=opt_str(data, "url"),
        spotify_id=_spotify_id(links.get("spotify")),
        mbid=_first_link(links.get("musicbrainz"), "id"),
        is_music=_is_music(classifications),
        upcoming_events=opt_int(upcoming, "_total") if upcoming else None,
        genres=_genres(classifications),
        image_url=widest_image_url(data.get("images")),
    )


def parse_venue(raw: object) -> TmVenue:
    data = as_mapping(raw, "venue")
    city = opt_mapping(data, "city")
    state = opt_mapping(data, "state")
    country = opt_mapping(data, "country")
    location = opt_mapping(data, "location")
    return TmVenue(
        id=req_str(data, "id"),
        name=opt_str(data, "name") or "",
        city=opt_str(city, "name") if city else None,
        region=(opt_str(state, "name") or opt_str(state, "stateCode"))
        if state
        else None,
        country=opt_str(country, "countryCode") if country else None,
        timezone=opt_str(data, "timezone"),
        latitude=opt_float(location, "latitude") if location else None,
        longitude=opt_float(location, "longitude") if location else None,
    )


def parse_event(raw: object) -> TmEvent:
    data = as_mapping(raw, "event")
    dates = opt_mapping(data, "dates") or {}
    start = opt_mapping(dates, "start") or {}
    status = opt_mapping(dates, "status")
    embedded = opt_mapping(data, "_embedded") or {}
    venues = [_or_none(parse_venue, v) for v in as_list(embedded.get("venues"))]
    acts = [_or_none(parse_attraction, a) for a in as_list(embedded.get("attractions"))]
    venue = next((v for v in venues if v is not None), None)
    return TmEvent(
        id=req_str(data, "id"),
        name=opt_str(data, "name") or "",
        url=opt_str(data, "url"),
        local_date=_date(opt_str(start, "localDate")),
        local_time=_time(opt_str(start, "localTime")),
        start_utc=_utc(opt_str(start, "dateTime")),
        timezone=opt_str(dates, "timezone") or (venue.timezone if venue else None),
        status=opt_str(status, "code") if status else None,
        venue=venue,
        attractions=tuple(a for a in acts if a is not None),
    )


@dataclass(frozen=True, slots=True)
class EventsPage:
    """One page of an event search with Discovery's paging numbers."""

    events: Page[TmEvent]
    number: int
    total_elements: int
    total_pages: int


def parse_events_page(raw: object) -> EventsPage:
    data = as_mapping(raw, "events page")
    # An empty result has no _embedded at all.
    embedded = opt_mapping(data, "_embedded") or {}
    events = embedded.get("events", [])
    if not isinstance(events, list):
        raise MalformedError("'_embedded.events' is not a list")
    paging = as_mapping(data.get("page"), "'page'")
    total = opt_int(paging, "totalElements")
    if total is None:
        raise MalformedError("'page.totalElements' is missing")
    return EventsPage(
        events=parse_items(SERVICE, events, parse_event, "event", total=total),
        number=opt_int(paging, "number") or 0,
        total_elements=total,
        total_pages=opt_int(paging, "totalPages") or 0,
    )


def parse_attractions_page(raw: object) -> Page[TmAttraction]:
    data = as_mapping(raw, "attractions page")
    embedded = opt_mapping(data, "_embedded") or {}
    attractions = embedded.get("attractions", [])
    if not isinstance(attractions, list):
        raise MalformedError("'_embedded.attractions' is not a list")
    paging = opt_mapping(data, "page")
    total = opt_int(paging, "totalElements") if paging else None
    return parse_items(
        SERVICE, attractions, parse_attraction, "attraction", total=total
    )


def spotify_id_from_url(url: str) -> str | None:
    """The artist id in ``https://open.spotify.com/artist/<id>`` or a URI."""
    if url.startswith("spotify:artist:"):
        return url.removeprefix("spotify:artist:") or None
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if len(parts) >= 2 and parts[-2] == "artist":
        return parts[-1]
    return None


def _spotify_id(links: object) -> str | None:
    for link in as_list(links):
        if isinstance(link, Mapping):
            url = opt_str(link, "url")
            found = spotify_id_from_url(url) if url else None
            if found:
                return found
    return None


def _first_link(links: object, key: str) -> str | None:
    for link in as_list(links):
        if isinstance(link, Mapping) and (value := opt_str(link, key)):
            return value
    return None


def _is_music(classifications: list[object]) -> bool:
    segments = [_name(c, "segment") for c in classifications]
    known = [s for s in segments if s]
    return not known or any(s.lower() == "music" for s in known)


def _genres(classifications: list[object]) -> tuple[str, ...]:
    names = [_name(c, "genre") for c in classifications]
    unique = dict.fromkeys(n for n in names if n and n.lower() != "undefined")
    return tuple(unique)


def _name(classification: object, key: str) -> str | None:
    if not isinstance(classification, Mapping):
        return None
    part = opt_mapping(classification, key)
    return opt_str(part, "name") if part else None


def _or_none(parse: Callable[[object], T], raw: object) -> T | None:
    try:
        return parse(raw)
    except MalformedError:
        return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _time(value: str | None) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _utc(value: str | None) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


# --- the client ----------------------------------------------------------------


class TicketmasterClient(UpstreamClient):
    """Reads attractions and events from Ticketmaster (or the sandbox).

    Use as ``async with TicketmasterClient(settings, redis) as tm:`` or call
    ``close()``. The API key travels as the ``apikey`` query parameter and
    never appears in errors or logs.
    """

    def __init__(self, settings: Settings, redis: aioredis.Redis) -> None:
        self._key = secret_or(settings.ticketmaster_api_key, PLACEHOLDER_API_KEY)
        limiter = ServiceRateLimiter(
            redis,
            SERVICE,
            self._key,
            rate_per_second=settings.ticketmaster_rate_per_second,
            daily_quota=settings.ticketmaster_daily_quota,
            safety=settings.upstream_rate_safety,
            max_wait=settings.upstream_max_queue_seconds,
        )
        super().__init__(
            UpstreamHttp(SERVICE, settings, translate_error, limiter=limiter)
        )
        self._api = settings.ticketmaster_api_url
        self.page_size = settings.ticketmaster_page_size

    async def get_attraction(self, attraction_id: str) -> TmAttraction:
        url = f"{self._api}/attractions/{quote(attraction_id, safe='')}"
        return await self._get(url, self._params(), parse_attraction)

    async def search_attractions(
        self, keyword: str, size: int = 20
    ) -> Page[TmAttraction]:
        """Music attractions matching ``keyword``, in Ticketmaster's order.

        Expect tribute acts and look-alikes: choose by name, never by rank.
        """
        params = self._params(
            keyword=keyword, classificationName="music", size=size, page=0
        )
        return await self._get(
            f"{self._api}/attractions", params, parse_attractions_page
        )

    async def get_event(self, event_id: str) -> TmEvent:
        url = f"{self._api}/events/{quote(event_id, safe='')}"
        return await self._get(url, self._params(), parse_event)

    def iter_events(self, attraction_id: str) -> AsyncIterator[Page[TmEvent]]:
        """Every event of the attraction, each exactly once, by date.

        Result sets deeper than Discovery pages (page * size < 1000) are split
        into date windows, recursively; events without a date are fetched on
        their own, since date filters leave them out.
        """
        return _EventWalk(self, attraction_id).pages()

    async def search_events(
        self, attraction_id: str, page: int, filters: Mapping[str, str]
    ) -> EventsPage:
        """One page of the attraction's events, oldest first by default."""
        params = {
            **self._params(
                attractionId=attraction_id,
                sort="date,asc",
                size=self.page_size,
                page=page,
            ),
            **filters,
        }
        return await self._get(f"{self._api}/events", params, parse_events_page)

    def _params(self, **extra: str | int) -> Params:
        return {"apikey": self._key, **extra}


@dataclass
class _EventWalk:
    """One pass over an attraction's events that never yields one twice."""

    client: TicketmasterClient
    attraction_id: str
    seen: set[str] = field(default_factory=set)
    skipped: int = 0
    total: int = 0

    @property
    def reachable(self) -> int:
        """How many items one query can reach by paging: at most 1,000."""
        size = self.client.page_size
        return min(PAGING_DEPTH, size * ((PAGING_DEPTH - 1) // size + 1))

    async def pages(self) -> AsyncIterator[Page[TmEvent]]:
        first = await self.client.search_events(self.attraction_id, 0, {})
        self.total = first.total_elements
        if first.total_elements <= self.reachable:
            async for page in self._listing(first, {}):
                yield page
            return
        log.info(
            "events exceed the paging depth; splitting by date",
            extra={
                "service": SERVICE,
                "attraction_id": self.attraction_id,
                "total": first.total_elements,
            },
        )
        yield self._fresh(first.events)
        async for page in self._undated():
            yield page
        low, high = await self._bounds(first)
        async for page in self._window(low, high):
            yield page
        if (shortfall := self.total - len(self.seen) - self.skipped) > 0:
            yield self._short_of(shortfall)

    async def _listing(
        self, first: EventsPage, filters: Mapping[str, str]
    ) -> AsyncIterator[Page[TmEvent]]:
        """Every reachable page of one query, starting from its first."""
        current = first
        yield self._fresh(current.events)
        while self._has_next(current):
            current = await self.client.search_events(
                self.attraction_id, current.number + 1, filters
            )
            yield self._fresh(current.events)

    def _has_next(self, page: EventsPage) -> bool:
        following = page.number + 1
        return (
            bool(page.events.items or page.events.skipped)
            and following < page.total_pages
            and following * self.client.page_size < PAGING_DEPTH
        )

    async def _undated(self) -> AsyncIterator[Page[TmEvent]]:
        """Events with no date yet, which every date-filtered query leaves out."""
        for flag in ("includeTBA", "includeTBD"):
            filters = {flag: "only"}
            first = await self.client.search_events(self.attraction_id, 0, filters)
            if any(e.local_date for e in first.events.items):
                log.warning(
                    "the service ignored a request for undated events only",
                    extra={"service": SERVICE, "filter": flag},
                )
                continue
            async for page in self._listing(first, filters):
                yield page

    async def _bounds(self, first: EventsPage) -> tuple[dt.datetime, dt.datetime]:
        """A UTC range holding every dated event: first one to last one."""
        low = _earliest(first.events.items) or dt.datetime.now(dt.UTC)
        newest = await self.client.search_events(
            self.attraction_id,
            0,
            {"sort": "date,desc", **_window_filters(low - WINDOW_SLACK, None)},
        )
        high = _latest(newest.events.items)
        if high is None or high <= (_latest(first.events.items) or low):
            # The service did not sort newest first: guess generously.
            high = low + dt.timedelta(days=366 * 20)
        return low - WINDOW_SLACK, high + WINDOW_SLACK

    async def _window(
        self, low: dt.datetime, high: dt.datetime
    ) -> AsyncIterator[Page[TmEvent]]:
        filters = _window_filters(low, high)
        first = await self.client.search_events(self.attraction_id, 0, filters)
        width = high - low
        if first.total_elements <= self.reachable or width <= SMALLEST_WINDOW:
            if first.total_elements > self.reachable:
                log.warning(
                    "more events in one second than can be paged",
                    extra={"service": SERVICE, "start": filters["startDateTime"]},
                )
            async for page in self._listing(first, filters):
                yield page
            return
        # Halves share their boundary second: whichever way the service
        # treats an inclusive end, no event falls between them, and one
        # seen in both is yielded once.
        middle = low + dt.timedelta(seconds=width.total_seconds() // 2)
        async for page in self._window(low, middle):
            yield page
        async for page in self._window(middle, high):
            yield page

    def _fresh(self, page: Page[TmEvent]) -> Page[TmEvent]:
        new = [e for e in page.items if e.id not in self.seen]
        self.seen.update(e.id for e in new)
        self.skipped += page.skipped
        return Page(
            items=tuple(new),
            skipped=page.skipped,
            warnings=page.warnings,
            total=self.total,
        )

    def _short_of(self, shortfall: int) -> Page[TmEvent]:
        warning = (
            f"{shortfall} of {self.total} events could not be reached "
            "through date windows"
        )
        log.warning(
            "events missing after date windows",
            extra={
                "service": SERVICE,
                "attraction_id": self.attraction_id,
                "missing": shortfall,
            },
        )
        return Page(items=(), warnings=(warning,), total=self.total)


def _window_filters(low: dt.datetime, high: dt.datetime | None) -> dict[str, str]:
    filters = {
        "startDateTime": low.strftime(DATE_FORMAT),
        "includeTBA": "no",
        "includeTBD": "no",
    }
    if high is not None:
        filters["endDateTime"] = high.strftime(DATE_FORMAT)
    return filters


def _moment(event: TmEvent) -> dt.datetime | None:
    if event.start_utc is not None:
        return event.start_utc
    if event.local_date is not None:
        return dt.datetime.combine(event.local_date, dt.time(), tzinfo=dt.UTC)
    return None


def _earliest(events: tuple[TmEvent, ...]) -> dt.datetime | None:
    moments = [m for e in events if (m := _moment(e)) is not None]
    return min(moments, default=None)


def _latest(events: tuple[TmEvent, ...]) -> dt.datetime | None:
    moments = [m for e in events if (m := _moment(e)) is not None]
    return max(moments, default=None)
