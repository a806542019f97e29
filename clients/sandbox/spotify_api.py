"""Spotify's accounts service and the Web API reads an import makes."""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any
from urllib.parse import quote

from aiohttp import web

from clients.sandbox import shapes
from clients.sandbox.config import SandboxConfig
from clients.sandbox.ids import is_spotify_id
from clients.sandbox.shapes import Answer, spotify_error
from clients.sandbox.state import STATE, Endpoint, Handler, SandboxState
from clients.sandbox.store import JSON

ALBUM_TRACKS_EMBEDDED = 50
SEVERAL_ALBUMS_MAX = 20
SEVERAL_TRACKS_MAX = 50
SEARCH_WINDOW = 1000
SEARCH_TYPES = frozenset(
    {"album", "artist", "playlist", "track", "show", "episode", "audiobook"}
)
ALBUM_GROUPS = ("album", "single", "compilation", "appears_on")
_SIMPLE_ALBUM_DROPS = frozenset(
    {"tracks", "copyrights", "external_ids", "genres", "label", "popularity"}
)


def setup(app: web.Application, state: SandboxState) -> None:
    routes: list[tuple[str, str, Handler, str]] = [
        ("POST", "/api/token", token, "token"),
        ("GET", "/v1/search", search, "search"),
        ("GET", "/v1/artists", several_artists, "several_artists"),
        ("GET", "/v1/artists/{id}", artist, "artist"),
        ("GET", "/v1/artists/{id}/albums", artist_albums, "artist_albums"),
        ("GET", "/v1/albums", several_albums, "several_albums"),
        ("GET", "/v1/albums/{id}", album, "album"),
        ("GET", "/v1/albums/{id}/tracks", album_tracks, "album_tracks"),
        ("GET", "/v1/albums/{id}/tracks/", album_tracks, "album_tracks"),
        ("GET", "/v1/tracks", several_tracks, "several_tracks"),
        ("GET", "/v1/tracks/{id}", track, "track"),
        ("GET", "/v1/{tail:.*}", unknown, "other"),
    ]
    for method, path, handler, name in routes:
        service = "spotify_accounts" if path == "/api/token" else "spotify"
        state.endpoints.add(app.router, method, path, handler, Endpoint(service, name))


# accounts


async def token(request: web.Request) -> web.Response:
    state = request.app[STATE]
    form = await request.post()
    grant = form.get("grant_type")
    if grant != "client_credentials":
        detail = (
            "grant_type parameter is missing" if not grant else "Unsupported grant_type"
        )
        return shapes.spotify_oauth_error("unsupported_grant_type", detail)
    client_id, secret = _client_credentials(request, form)
    problem = (
        None
        if state.recordings_mode
        else _client_problem(state.config, client_id, secret)
    )
    if problem:
        return shapes.spotify_oauth_error("invalid_client", problem)
    ttl = state.behaviour.token_ttl_seconds
    issued = state.tokens.issue(ttl, state.now())
    body = {
        "access_token": issued,
        "token_type": "Bearer",
        "expires_in": math.ceil(ttl),
    }
    return shapes.json_response(body)


def _client_credentials(request: web.Request, form: Any) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(form.get("client_id", "")), str(form.get("client_secret", ""))


def _client_problem(config: SandboxConfig, client_id: str, secret: str) -> str | None:
    if not client_id or not secret:
        return "Invalid client"
    allowed = config.spotify_clients
    if allowed is None:
        return None
    if client_id not in allowed:
        return "Invalid client"
    return None if allowed[client_id] == secret else "Invalid client secret"


def _authorized(request: web.Request) -> SandboxState:
    state = request.app[STATE]
    header = request.headers.get("Authorization", "")
    scheme, _, bearer = header.partition(" ")
    if not header:
        raise Answer(spotify_error(401, "No token provided"))
    # An unknown token answers as an expired one: a restarted sandbox forgot it.
    if scheme.lower() != "bearer" or not state.tokens.valid(
        bearer.strip(), state.now()
    ):
        raise Answer(shapes.spotify_token_expired())
    return state


# parameters and paging


def _int_param(
    request: web.Request, name: str, default: int, low: int, high: int
) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Answer(spotify_error(400, f"Invalid {name}")) from None
    if not low <= value <= high:
        raise Answer(spotify_error(400, f"Invalid {name}"))
    return value


def _paging_params(request: web.Request, default_limit: int = 20) -> tuple[int, int]:
    limit = _int_param(request, "limit", default_limit, 1, 50)
    offset = _int_param(request, "offset", 0, 0, 10**9)
    return offset, limit


def _checked_id(request: web.Request) -> str:
    resource_id = request.match_info["id"]
    if not is_spotify_id(resource_id):
        raise Answer(spotify_error(400, "invalid id"))
    return resource_id


def _page_url(
    request: web.Request, offset: int, limit: int, path: str | None = None
) -> str:
    extra = "".join(
        f"&{quote(k)}={quote(v, safe=',:')}"
        for k, v in request.query.items()
        if k not in ("offset", "limit") and (path is None or k == "market")
    )
    base = shapes.origin(request) + (path or request.path)
    return f"{base}?offset={offset}&limit={limit}{extra}"


def paging(
    request: web.Request,
    items: list[Any],
    offset: int,
    limit: int,
    path: str | None = None,
) -> JSON:
    """A paging object; ``next`` and ``previous`` point back at this sandbox."""
    total = len(items)
    after = offset + limit
    return {
        "href": _page_url(request, offset, limit, path),
        "limit": limit,
        "next": _page_url(request, after, limit, path) if after < total else None,
        "offset": offset,
        "previous": _page_url(request, max(0, offset - limit), limit, path)
        if offset
        else None,
        "total": total,
        "items": items[offset:after],
    }


# Web API


async def search(request: web.Request) -> web.Response:
    state = _authorized(request)
    query = request.query.get("q", "").strip()
    if not query:
        return spotify_error(400, "No search query")
    kinds = [k for k in request.query.get("type", "").split(",") if k]
    if not kinds:
        return spotify_error(400, "Missing parameter type")
    if any(k not in SEARCH_TYPES for k in kinds):
        return spotify_error(400, "Bad search type field")
    limit = _int_param(request, "limit", 20, 0, 50)
    offset = _int_param(request, "offset", 0, 0, SEARCH_WINDOW)
    if offset + limit > SEARCH_WINDOW:
        return spotify_error(400, "Invalid offset")
    hits = state.store.spotify.find_artists(query)[:SEARCH_WINDOW]
    body = {
        f"{k}s": paging(request, hits if k == "artist" else [], offset, limit)
        for k in kinds
    }
    return shapes.json_response(body)


async def artist(request: web.Request) -> web.Response:
    state = _authorized(request)
    found = state.store.spotify.artists.get(_checked_id(request))
    if found is None:
        return spotify_error(404, "non existing id")
    return shapes.json_response(found)


async def several_artists(request: web.Request) -> web.Response:
    state = _authorized(request)
    wanted = _batch_ids(request, state, SEVERAL_TRACKS_MAX)
    catalog = state.store.spotify.artists
    return shapes.json_response({"artists": [catalog.get(i) for i in wanted]})


async def artist_albums(request: web.Request) -> web.Response:
    state = _authorized(request)
    artist_id = _checked_id(request)
    catalog = state.store.spotify
    listing = catalog.artist_albums.get(artist_id)
    if listing is None and artist_id not in catalog.artists:
        return spotify_error(404, "non existing id")
    groups = _include_groups(request)
    items = [
        a for a in listing or [] if (a.get("album_group") or a["album_type"]) in groups
    ]
    offset, limit = _paging_params(request)
    return shapes.json_response(paging(request, items, offset, limit))


def _include_groups(request: web.Request) -> frozenset[str]:
    raw = request.query.get("include_groups") or request.query.get("album_type")
    if not raw:
        return frozenset(ALBUM_GROUPS)
    groups = frozenset(g.strip() for g in raw.split(",") if g.strip())
    if not groups <= set(ALBUM_GROUPS):
        raise Answer(spotify_error(400, "Invalid include_groups value"))
    return groups


async def album(request: web.Request) -> web.Response:
    state = _authorized(request)
    body = _full_album(request, state, _checked_id(request))
    if body is None:
        return spotify_error(404, "non existing id")
    return shapes.json_response(body)


def _full_album(
    request: web.Request, state: SandboxState, album_id: str
) -> JSON | None:
    catalog = state.store.spotify
    stored = catalog.albums.get(album_id)
    if stored is None:
        return None
    body = dict(stored)
    tracks = catalog.album_tracks.get(album_id, [])
    path = f"/v1/albums/{album_id}/tracks"
    body["tracks"] = paging(request, tracks, 0, ALBUM_TRACKS_EMBEDDED, path)
    return body


async def album_tracks(request: web.Request) -> web.Response:
    state = _authorized(request)
    album_id = _checked_id(request)
    catalog = state.store.spotify
    if album_id not in catalog.album_tracks:
        return spotify_error(404, "non existing id")
    offset, limit = _paging_params(request)
    return shapes.json_response(
        paging(request, catalog.album_tracks[album_id], offset, limit)
    )


async def several_albums(request: web.Request) -> web.Response:
    state = _authorized(request)
    wanted = _batch_ids(request, state, SEVERAL_ALBUMS_MAX)
    albums = [_full_album(request, state, i) for i in wanted]
    return shapes.json_response({"albums": albums})


def _batch_ids(request: web.Request, state: SandboxState, most: int) -> list[str]:
    # Development-mode apps lost the batch endpoints in February 2026.
    if not state.behaviour.spotify_batch_endpoints:
        raise Answer(spotify_error(403, "Forbidden"))
    wanted = [i for i in request.query.get("ids", "").split(",") if i]
    if not wanted:
        raise Answer(spotify_error(400, "invalid id"))
    if len(wanted) > most:
        raise Answer(spotify_error(400, "Too many ids requested"))
    if not all(is_spotify_id(i) for i in wanted):
        raise Answer(spotify_error(400, "invalid id"))
    return wanted


async def track(request: web.Request) -> web.Response:
    state = _authorized(request)
    body = _full_track(state, _checked_id(request))
    if body is None:
        return spotify_error(404, "non existing id")
    return shapes.json_response(body)


async def several_tracks(request: web.Request) -> web.Response:
    state = _authorized(request)
    wanted = _batch_ids(request, state, SEVERAL_TRACKS_MAX)
    return shapes.json_response({"tracks": [_full_track(state, i) for i in wanted]})


def _full_track(state: SandboxState, track_id: str) -> JSON | None:
    catalog = state.store.spotify
    album_id = catalog.track_albums.get(track_id)
    if album_id is None:
        return None
    simple = next(t for t in catalog.album_tracks[album_id] if t["id"] == track_id)
    stored = catalog.albums.get(album_id, {})
    body: JSON = {
        "album": {k: v for k, v in stored.items() if k not in _SIMPLE_ALBUM_DROPS}
    }
    body.update(simple)
    if track_id in catalog.isrcs:
        body["external_ids"] = {"isrc": catalog.isrcs[track_id]}
    body["popularity"] = sum(map(ord, track_id)) % 70 + 10
    return body


async def unknown(request: web.Request) -> web.Response:
    state = request.app[STATE]
    recorded = state.store.recorded_for(request.path, dict(request.query))
    if recorded is not None:
        return shapes.replay(recorded)
    return spotify_error(404, "Service not found")
