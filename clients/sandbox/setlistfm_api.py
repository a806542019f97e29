"""setlist.fm REST 1.0: artist search, artists and their setlists, 1-based pages."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

from clients.sandbox import shapes
from clients.sandbox.shapes import Answer
from clients.sandbox.state import STATE, Endpoint, Handler, SandboxState
from clients.sandbox.store import JSON, fold, setlist_sort_key

SETLISTS_PER_PAGE = 20
ARTISTS_PER_PAGE = 30


def setup(app: web.Application, state: SandboxState) -> None:
    base = "/rest/1.0"
    routes: list[tuple[str, Handler, str]] = [
        ("/search/artists", search_artists, "search_artists"),
        ("/search/setlists", search_setlists, "search_setlists"),
        ("/artist/{mbid}", artist, "artist"),
        ("/artist/{mbid}/setlists", artist_setlists, "artist_setlists"),
        ("/setlist/{id}", setlist, "setlist"),
        ("/{tail:.*}", unknown, "other"),
    ]
    for path, handler, name in routes:
        endpoint = Endpoint("setlistfm", name)
        state.endpoints.add(app.router, "GET", base + path, handler, endpoint)


def _authorized(request: web.Request) -> SandboxState:
    state = request.app[STATE]
    key = request.headers.get("x-api-key", "")
    if not key:
        raise Answer(
            _answer(request, shapes.setlistfm_error_body(403, "Forbidden"), 403)
        )
    allowed = state.config.setlistfm_api_keys
    if allowed is not None and key not in allowed:
        body = shapes.setlistfm_error_body(401, "Unauthorized")
        raise Answer(_answer(request, body, 401))
    return state


def _answer(request: web.Request, body: JSON, status: int = 200) -> web.Response:
    """JSON only for ``Accept: application/json``; XML, the default, otherwise."""
    if "application/json" in request.headers.get("Accept", ""):
        return shapes.json_response(body, status, "application/json")
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + to_xml(
        _root_name(body), body
    )
    return web.Response(text=xml, status=status, content_type="application/xml")


def _root_name(body: JSON) -> str:
    if "type" in body:
        return str(body["type"])
    if "eventDate" in body:
        return "setlist"
    if "mbid" in body:
        return "artist"
    return "error"


def to_xml(name: str, value: Any) -> str:
    """A plain rendering of JSON as XML: scalars as attributes, the rest as children."""
    if not isinstance(value, dict):
        return f"<{name}>{escape(str(value))}</{name}>"
    attributes = "".join(
        f" {k}={quoteattr(_scalar(v))}"
        for k, v in value.items()
        if not isinstance(v, dict | list) and k != "type"
    )
    children = []
    for key, child in value.items():
        if isinstance(child, list):
            children += [to_xml(key, item) for item in child]
        elif isinstance(child, dict):
            children.append(to_xml(key, child))
    return f"<{name}{attributes}>{''.join(children)}</{name}>"


def _scalar(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _page(request: web.Request) -> int:
    raw = request.query.get("p", "1") or "1"
    try:
        page = int(raw)
    except ValueError:
        page = 0
    if page < 1:
        body = shapes.setlistfm_error_body(400, "page must be a positive number")
        raise Answer(_answer(request, body, 400))
    return page


def _listing(
    request: web.Request, kind: str, key: str, items: list[JSON], per_page: int
) -> web.Response:
    """One 1-based page; past the end, or with nothing, it is a 404."""
    page = _page(request)
    start = (page - 1) * per_page
    chunk = items[start : start + per_page]
    if not chunk:
        return _not_found(request)
    body = {
        "type": kind,
        "itemsPerPage": per_page,
        "page": page,
        "total": len(items),
        key: chunk,
    }
    return _answer(request, body)


def _not_found(request: web.Request, message: str = "not found") -> web.Response:
    # Searches without hits answered in Spring's default shape when recorded.
    if request.path.startswith("/rest/1.0/search/"):
        return _answer(request, shapes.setlistfm_search_miss_body(request.path), 404)
    return _answer(request, shapes.setlistfm_error_body(404, message), 404)


async def search_artists(request: web.Request) -> web.Response:
    state = _authorized(request)
    query = request.query
    catalog = state.store.setlistfm
    name = query.get("artistName", "").strip()
    found = catalog.find_artists(name) if name else list(catalog.artists.values())
    if query.get("artistMbid"):
        found = [a for a in found if a.get("mbid") == query["artistMbid"]]
    tmid = query.get("artistTmid") or query.get("tmid")
    if tmid:
        found = [a for a in found if str(a.get("tmid", "")) == tmid]
    if not (name or query.get("artistMbid") or tmid):
        found = []
    if query.get("sort") == "sortName":
        found = sorted(found, key=lambda a: (fold(a.get("sortName", "")), a["mbid"]))
    return _listing(request, "artists", "artist", found, ARTISTS_PER_PAGE)


async def artist(request: web.Request) -> web.Response:
    state = _authorized(request)
    found = state.store.setlistfm.artists.get(request.match_info["mbid"])
    if found is None:
        return _not_found(request, "unknown mbid")
    return _answer(request, found)


async def artist_setlists(request: web.Request) -> web.Response:
    state = _authorized(request)
    mbid = request.match_info["mbid"]
    catalog = state.store.setlistfm
    if mbid not in catalog.artists:
        return _not_found(request, "unknown mbid")
    items = catalog.setlists_of(mbid)
    return _listing(request, "setlists", "setlist", items, SETLISTS_PER_PAGE)


async def setlist(request: web.Request) -> web.Response:
    state = _authorized(request)
    found = state.store.setlistfm.setlists.get(request.match_info["id"])
    if found is None:
        return _not_found(request, "unknown setlistId")
    return _answer(request, found)


async def search_setlists(request: web.Request) -> web.Response:
    state = _authorized(request)
    query = request.query
    catalog = state.store.setlistfm
    if query.get("artistMbid"):
        found = list(catalog.setlists_of(query["artistMbid"]))
    else:
        found = sorted(catalog.setlists.values(), key=setlist_sort_key, reverse=True)
    if query.get("artistName"):
        wanted = fold(query["artistName"])
        found = [s for s in found if fold(s["artist"]["name"]) == wanted]
    if query.get("year"):
        found = [s for s in found if s["eventDate"].endswith(query["year"])]
    if query.get("date"):
        found = [s for s in found if s["eventDate"] == query["date"]]
    return _listing(request, "setlists", "setlist", found, SETLISTS_PER_PAGE)


async def unknown(request: web.Request) -> web.Response:
    state = _authorized(request)
    recorded = state.store.recorded_for(request.path, dict(request.query))
    if recorded is not None:
        return shapes.replay(recorded)
    return _not_found(request)
