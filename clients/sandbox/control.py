"""The control API under ``/_sandbox/``: counts, faults, switches, artists, mutations.

| method and path                 | does                                              |
|---------------------------------|---------------------------------------------------|
| GET    /_sandbox                | mode, settings, artists                           |
| GET    /_sandbox/stats          | counts per service and endpoint (``?arrivals=1``  |
|                                 | adds every arrival time), 429s, busiest second    |
| POST   /_sandbox/stats/reset    | forget counts, rate windows and daily quotas      |
| GET    /_sandbox/faults         | armed faults                                      |
| POST   /_sandbox/faults         | arm one fault or a list (fields: ``Fault`` in     |
|                                 | ``faults``); kind ``token_expiry`` instead cuts   |
|                                 | every live Spotify token to ``seconds``           |
| DELETE /_sandbox/faults         | disarm all                                        |
| GET    /_sandbox/settings       | the switches                                      |
| PATCH  /_sandbox/settings       | change switches (rate limits, latency, ...)       |
| GET    /_sandbox/artists        | every artist with its ids                         |
| POST   /_sandbox/artists        | generate an artist from a spec; returns its ids   |
| GET    /_sandbox/artists/{key}  | ground truth, by slug or any of its ids           |
| POST   /_sandbox/mutations      | change upstream data (move an event...)           |
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from clients.sandbox.config import ArtistSpec
from clients.sandbox.faults import fault_from_json
from clients.sandbox.generator import generate_artist, register
from clients.sandbox.state import STATE, SandboxState
from clients.sandbox.store import JSON, Store
from clients.sandbox.touring import event_dates
from encore.errors import BadInputError, EncoreError, NotFoundError

log = logging.getLogger(__name__)

SIZE_CEILINGS = {"albums": 1000, "tracks": 20_000, "setlists": 10_000, "events": 10_000}
Route = Callable[[web.Request], Awaitable[web.Response]]


class ConflictError(EncoreError):
    code = "CONFLICT"


def setup(app: web.Application) -> None:
    routes: list[tuple[str, str, Route]] = [
        ("GET", "", overview),
        ("GET", "/stats", stats),
        ("POST", "/stats/reset", reset_stats),
        ("GET", "/faults", list_faults),
        ("POST", "/faults", arm_faults),
        ("DELETE", "/faults", clear_faults),
        ("GET", "/settings", settings),
        ("PATCH", "/settings", change_settings),
        ("POST", "/settings", change_settings),
        ("GET", "/artists", artists),
        ("POST", "/artists", create_artist),
        ("GET", "/artists/{key}", truth),
        ("POST", "/mutations", mutate),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, "/_sandbox" + path, _guarded(handler))


def _guarded(handler: Route) -> Route:
    async def guarded(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except NotFoundError as exc:
            return web.json_response({"error": str(exc)}, status=404)
        except ConflictError as exc:
            return web.json_response({"error": str(exc)}, status=409)
        except BadInputError as exc:
            return web.json_response({"error": str(exc)}, status=400)

    return guarded


async def _json_body(request: web.Request) -> Any:
    try:
        return await request.json()
    except json.JSONDecodeError as exc:
        raise BadInputError(f"the body is not JSON: {exc}") from None


def _state(request: web.Request) -> SandboxState:
    return request.app[STATE]


async def overview(request: web.Request) -> web.Response:
    state = _state(request)
    body = {
        "mode": "recordings" if state.recordings_mode else "generator",
        "seed": state.config.seed,
        "today": state.today.isoformat(),
        "settings": dataclasses.asdict(state.behaviour),
        "artists": state.store.artists,
    }
    return web.json_response(body)


async def stats(request: web.Request) -> web.Response:
    detail = request.query.get("arrivals", "") in ("1", "true", "yes")
    return web.json_response(_state(request).traffic.summary(with_arrivals=detail))


async def reset_stats(request: web.Request) -> web.Response:
    _state(request).reset_traffic()
    return web.json_response({"reset": True})


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response([f.to_json() for f in _state(request).faults.armed()])


async def arm_faults(request: web.Request) -> web.Response:
    state = _state(request)
    data = await _json_body(request)
    specs = data if isinstance(data, list) else [data]
    armed: list[JSON] = []
    for spec in specs:
        if not isinstance(spec, dict):
            raise BadInputError("a fault is a JSON object")
        if spec.get("kind") == "token_expiry":
            seconds = float(spec.get("seconds", 0))
            cut = state.tokens.expire_all_after(seconds, state.now())
            armed.append({"kind": "token_expiry", "seconds": seconds, "tokens": cut})
            continue
        fault = state.faults.arm(fault_from_json(spec))
        log.info("fault armed", extra={"fault_id": fault.id, "kind": fault.kind})
        armed.append(fault.to_json())
    return web.json_response(armed, status=201)


async def clear_faults(request: web.Request) -> web.Response:
    return web.json_response({"cleared": _state(request).faults.clear()})


async def settings(request: web.Request) -> web.Response:
    return web.json_response(dataclasses.asdict(_state(request).behaviour))


async def change_settings(request: web.Request) -> web.Response:
    behaviour = _state(request).behaviour
    changes = await _json_body(request)
    if not isinstance(changes, dict):
        raise BadInputError("settings are a JSON object")
    for name, value in changes.items():
        _apply_setting(behaviour, name, value)
    log.info("settings changed", extra={"changes": sorted(changes)})
    return web.json_response(dataclasses.asdict(behaviour))


def _apply_setting(behaviour: Any, name: str, value: Any) -> None:
    if name in ("rate_limits", "spotify_batch_endpoints"):
        if not isinstance(value, bool):
            raise BadInputError(f"{name} is true or false")
        setattr(behaviour, name, value)
    elif name in ("latency_ms", "latency_jitter_ms", "token_ttl_seconds"):
        if not isinstance(value, int | float) or value < 0:
            raise BadInputError(f"{name} is a number of at least 0")
        setattr(behaviour, name, float(value))
    elif name in ("rates", "daily_quotas"):
        if not isinstance(value, dict):
            raise BadInputError(f"{name} maps a service to a number")
        current = getattr(behaviour, name)
        for service, number in value.items():
            if service not in ("spotify", "ticketmaster", "setlistfm") or number <= 0:
                raise BadInputError(
                    f"{name}: unknown service or bad number {service!r}"
                )
            current[service] = number
    else:
        raise BadInputError(f"unknown setting {name!r}")


async def artists(request: web.Request) -> web.Response:
    return web.json_response(_state(request).store.artists)


async def create_artist(request: web.Request) -> web.Response:
    state = _state(request)
    data = await _json_body(request)
    spec = _spec(data)
    seed = state.config.seed
    generated = await asyncio.to_thread(generate_artist, spec, seed, state.today)
    ids = [
        generated.truth[k] for k in ("spotify_id", "ticketmaster_id", "musicbrainz_id")
    ]
    if any(i and i in state.store.truths for i in ids):
        raise ConflictError(f"an artist with the ids of {spec.name!r} exists already")
    summary = register(state.store, generated, "created")
    log.info("artist created", extra={"slug": summary["slug"], "artist": spec.name})
    return web.json_response(summary, status=201)


def _spec(data: Any) -> ArtistSpec:
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise BadInputError("an artist spec is a JSON object with a name")
    kinds = {f.name: _field_kind(f.name) for f in dataclasses.fields(ArtistSpec)}
    unknown = set(data) - set(kinds)
    if unknown:
        raise BadInputError(f"unknown artist fields: {sorted(unknown)}")
    for name, value in data.items():
        if value is None and name in _OPTIONAL:
            continue
        # bool is an int in Python; a size given as true is still a mistake.
        if not isinstance(value, kinds[name]) or (kinds[name] is int and value is True):
            raise BadInputError(f"{name} must be of type {kinds[name].__name__}")
    for size, ceiling in SIZE_CEILINGS.items():
        if not 0 <= data.get(size, 0) <= ceiling:
            raise BadInputError(f"{size} is a whole number from 0 to {ceiling}")
    return ArtistSpec(**data)


_OPTIONAL = frozenset({"popularity", "spotify_id", "ticketmaster_id", "musicbrainz_id"})


def _field_kind(name: str) -> type:
    default = {f.name: f.default for f in dataclasses.fields(ArtistSpec)}[name]
    if name == "popularity":
        return int
    if default is None or default is dataclasses.MISSING:
        return str
    return type(default)


async def truth(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    found = _state(request).store.truth(key)
    if found is None:
        raise NotFoundError(f"no artist known by {key!r}")
    return web.json_response(found)


async def mutate(request: web.Request) -> web.Response:
    store = _state(request).store
    change = await _json_body(request)
    if not isinstance(change, dict):
        raise BadInputError("a mutation is a JSON object with a kind")
    kind = change.get("kind")
    handlers = {
        "move_event": _move_event,
        "set_event_status": _set_event_status,
        "remove_event": _remove_event,
        "remove_setlist": _remove_setlist,
    }
    if kind not in handlers:
        raise BadInputError(f"kind must be one of {sorted(handlers)}")
    result = handlers[kind](store, change)
    log.info("upstream data changed", extra={"kind": kind})
    return web.json_response(result)


def _event(store: Store, change: JSON) -> JSON:
    entry = store.ticketmaster.events.get(str(change.get("event_id")))
    if entry is None:
        raise NotFoundError(f"no event {change.get('event_id')!r}")
    return dict(entry.event)


def _move_event(store: Store, change: JSON) -> JSON:
    """A new local date (and optionally time); ``local_time`` "" means TBA."""
    event = _event(store, change)
    try:
        day = dt.date.fromisoformat(str(change["local_date"]))
    except (KeyError, ValueError):
        raise BadInputError("local_date is required, as YYYY-MM-DD") from None
    old = event["dates"]
    start = change.get("local_time", old["start"].get("localTime"))
    zone = old.get("timezone") or "UTC"
    status = change.get("status") or old.get("status", {}).get("code", "onsale")
    try:
        event["dates"] = event_dates(day, start or None, zone, status, {})
    except ValueError:
        raise BadInputError("local_time is HH:MM:SS, or empty for 'time TBA'") from None
    store.ticketmaster.put_event(event)
    return event


def _set_event_status(store: Store, change: JSON) -> JSON:
    event = _event(store, change)
    status = change.get("status")
    if status not in ("onsale", "offsale", "canceled", "postponed", "rescheduled"):
        raise BadInputError(
            "status is onsale, offsale, canceled, postponed or rescheduled"
        )
    event["dates"] = {**event["dates"], "status": {"code": status}}
    store.ticketmaster.put_event(event)
    return event


def _remove_event(store: Store, change: JSON) -> JSON:
    event = _event(store, change)
    store.ticketmaster.remove_event(event["id"])
    attractions = event.get("_embedded", {}).get("attractions", [])
    for attraction in attractions:
        _refresh_event_truth(store, attraction["id"])
    return {"removed": event["id"]}


def _refresh_event_truth(store: Store, attraction_id: str) -> None:
    known = store.truths.get(attraction_id)
    if known is None:
        return
    mine = [
        e
        for e in store.ticketmaster.ordered_events()
        if attraction_id in e.attraction_ids
    ]
    known["events"] = len(mine)
    known["undated_events"] = sum(1 for e in mine if e.start is None)
    known["event_venues"] = len({e.event["_embedded"]["venues"][0]["id"] for e in mine})


def _remove_setlist(store: Store, change: JSON) -> JSON:
    setlist_id = str(change.get("setlist_id"))
    removed = store.setlistfm.remove_setlist(setlist_id)
    if removed is None:
        raise NotFoundError(f"no setlist {setlist_id!r}")
    known = store.truths.get(removed.get("artist", {}).get("mbid", ""))
    if known is not None:
        known["setlists"] -= 1
        if not removed["sets"]["set"]:
            known["empty_setlists"] -= 1
    return {"removed": setlist_id}
