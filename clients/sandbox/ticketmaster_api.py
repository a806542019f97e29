"""Ticketmaster Discovery v2: attractions and events, with its paging limits."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import quote

from aiohttp import web

from clients.sandbox import shapes
from clients.sandbox.shapes import Answer
from clients.sandbox.state import STATE, Endpoint, Handler, SandboxState
from clients.sandbox.store import JSON, EventEntry, name_matches

DEEP_PAGING_LIMIT = 1000  # only items before the 1000th can be reached
SIZE_LIMIT = 200  # size must be less than this
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TBA_CHOICES = ("yes", "no", "only")


def setup(app: web.Application, state: SandboxState) -> None:
    base = "/discovery/v2"
    routes: list[tuple[str, Handler, str]] = [
        ("/attractions", attractions, "attractions"),
        ("/attractions.json", attractions, "attractions"),
        ("/attractions/{id}", attraction, "attraction"),
        ("/events", events, "events"),
        ("/events.json", events, "events"),
        ("/events/{id}", event, "event"),
        ("/{tail:.*}", unknown, "other"),
    ]
    for path, handler, name in routes:
        endpoint = Endpoint("ticketmaster", name)
        state.endpoints.add(app.router, "GET", base + path, handler, endpoint)


def _authorized(request: web.Request) -> SandboxState:
    state = request.app[STATE]
    key = request.query.get("apikey", "")
    allowed = state.config.ticketmaster_api_keys
    if not key or (allowed is not None and key not in allowed):
        raise Answer(shapes.ticketmaster_invalid_key())
    return state


def _int_param(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        detail = f'Query param "{name}" must be a number'
        raise Answer(shapes.ticketmaster_bad_request("DIS1015", detail)) from None


def _page_params(request: web.Request) -> tuple[int, int]:
    size = _int_param(request, "size", 20)
    page = _int_param(request, "page", 0)
    if size >= SIZE_LIMIT or size < 1:
        detail = f'Query param "size" must be less than {SIZE_LIMIT}'
        raise Answer(shapes.ticketmaster_bad_request("DIS1036", detail))
    if page < 0:
        detail = 'Query param "page" must be greater than or equal to 0'
        raise Answer(shapes.ticketmaster_bad_request("DIS1015", detail))
    if page * size >= DEEP_PAGING_LIMIT:
        detail = (
            "API Limits Exceeded: Max paging depth exceeded. "
            "(page * size) must be less than 1,000"
        )
        raise Answer(shapes.ticketmaster_bad_request("DIS1035", detail))
    return page, size


def _link(request: web.Request, page: int, size: int) -> JSON:
    params = {k: v for k, v in request.query.items() if k != "apikey"}
    params["page"], params["size"] = str(page), str(size)
    query = "&".join(f"{quote(k)}={quote(v, safe=',:')}" for k, v in params.items())
    return {"href": f"{request.path}?{query}"}


def envelope(
    request: web.Request, key: str, items: list[Any], page: int, size: int
) -> JSON:
    """A Discovery page; no ``_embedded`` at all when it holds nothing."""
    total = len(items)
    start = page * size
    chunk = items[start : min(start + size, total, DEEP_PAGING_LIMIT)]
    pages = math.ceil(total / size)
    body: JSON = {}
    if chunk:
        body["_embedded"] = {key: chunk}
    links = {"first": _link(request, 0, size)}
    if page > 0:
        links["prev"] = _link(request, page - 1, size)
    links["self"] = _link(request, page, size)
    if page + 1 < pages:
        links["next"] = _link(request, page + 1, size)
    links["last"] = _link(request, max(0, pages - 1), size)
    body["_links"] = links
    body["page"] = {
        "size": size,
        "totalElements": total,
        "totalPages": pages,
        "number": page,
    }
    return body


def _json(body: JSON) -> web.Response:
    return shapes.json_response(body, content_type=shapes.TICKETMASTER_JSON)


async def attraction(request: web.Request) -> web.Response:
    state = _authorized(request)
    attraction_id = request.match_info["id"].removesuffix(".json")
    found = state.store.ticketmaster.attractions.get(attraction_id)
    if found is None:
        return shapes.ticketmaster_not_found(attraction_id)
    return _json(found)


async def attractions(request: web.Request) -> web.Response:
    state = _authorized(request)
    page, size = _page_params(request)
    catalog = state.store.ticketmaster
    keyword = request.query.get("keyword", "").strip()
    if keyword:
        found = catalog.find_attractions(keyword)
    else:
        found = sorted(catalog.attractions.values(), key=lambda a: (a["name"], a["id"]))
    wanted_ids = {i for i in request.query.get("id", "").split(",") if i}
    if wanted_ids:
        found = [a for a in found if a["id"] in wanted_ids]
    return _json(envelope(request, "attractions", found, page, size))


async def event(request: web.Request) -> web.Response:
    state = _authorized(request)
    event_id = request.match_info["id"].removesuffix(".json")
    found = state.store.ticketmaster.events.get(event_id)
    if found is None:
        return shapes.ticketmaster_not_found(event_id)
    return _json(found.event)


async def events(request: web.Request) -> web.Response:
    """Events by attraction, date window, country and keyword, ordered."""
    state = _authorized(request)
    page, size = _page_params(request)
    query = request.query
    entries = state.store.ticketmaster.ordered_events()
    wanted = {i for i in query.get("attractionId", "").split(",") if i}
    if wanted:
        entries = [e for e in entries if wanted.intersection(e.attraction_ids)]
    if query.get("countryCode"):
        entries = [e for e in entries if e.country_code == query["countryCode"]]
    if query.get("keyword"):
        entries = [
            e for e in entries if name_matches(query["keyword"], e.event["name"])
        ]
    entries = _in_window(request, entries)
    items = [e.event for e in _sorted(entries, query.get("sort", "date,asc"))]
    return _json(envelope(request, "events", items, page, size))


def _in_window(request: web.Request, entries: list[EventEntry]) -> list[EventEntry]:
    """Dated events inside [start, end] (both inclusive), undated ones by flag.

    As documented, ``includeTBA``/``includeTBD`` default to "no" when a date
    parameter is sent and to "yes" otherwise; "only" keeps undated events only.
    """
    start = _date_param(request, "startDateTime")
    end = _date_param(request, "endDateTime")
    default = "no" if start or end else "yes"
    tba = _choice(request, "includeTBA", default)
    tbd = _choice(request, "includeTBD", default)
    only_undated = "only" in (tba, tbd)
    kept = []
    for entry in entries:
        if entry.start is None:
            flag = tbd if entry.event["dates"]["start"].get("dateTBD") else tba
            if flag in ("yes", "only"):
                kept.append(entry)
        elif not only_undated and _between(entry.start, start, end):
            kept.append(entry)
    return kept


def _between(
    moment: dt.datetime, start: dt.datetime | None, end: dt.datetime | None
) -> bool:
    return (start is None or moment >= start) and (end is None or moment <= end)


def _date_param(request: web.Request, name: str) -> dt.datetime | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        return dt.datetime.strptime(raw, DATE_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        detail = (
            "Query param with date must be of valid format YYYY-MM-DDTHH:mm:ssZ "
            "{example: 2016-12-08T00:00:00Z}"
        )
        raise Answer(shapes.ticketmaster_bad_request("DIS1015", detail)) from None


def _choice(request: web.Request, name: str, default: str) -> str:
    value = request.query.get(name, default).lower()
    if value not in _TBA_CHOICES:
        detail = f'Query param "{name}" must be one of yes, no, only'
        raise Answer(shapes.ticketmaster_bad_request("DIS1015", detail))
    return value


def _sorted(entries: list[EventEntry], sort: str) -> list[EventEntry]:
    dated = [e for e in entries if e.start is not None]
    undated = [e for e in entries if e.start is None]
    if sort == "date,desc":
        return dated[::-1] + undated
    if sort.startswith("name,"):
        by_name = sorted(entries, key=lambda e: (e.event["name"], e.event["id"]))
        return by_name[::-1] if sort.endswith("desc") else by_name
    return dated + undated


async def unknown(request: web.Request) -> web.Response:
    state = _authorized(request)
    recorded = state.store.recorded_for(request.path, dict(request.query))
    if recorded is not None:
        return shapes.replay(recorded)
    resource = request.match_info["tail"].rsplit("/", 1)[-1].removesuffix(".json")
    return shapes.ticketmaster_not_found(resource)
