"""Recorded responses, read into the same store the generator fills.

Each API folder holds a ``replay-index.json`` naming, for every saved body,
the request it answered. Records (artists, albums, attractions, events,
setlists) are taken out of every body that holds them, so a listing is served
from all of its recorded pages, deduplicated by id, for whatever page size a
client asks; the bodies themselves stay available for exact replay.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clients.sandbox.store import JSON, RecordedResponse, Store, fold, search_key

log = logging.getLogger(__name__)

_SPOTIFY_ID = r"([0-9A-Za-z]{22})"
_PLACEHOLDER = re.compile(r"[{}]")


@dataclass(frozen=True, slots=True)
class Row:
    """One replay-index row with its parsed body."""

    path: str
    query: dict[str, str]
    status: int
    recorded: float  # seconds since the epoch; 0 when unknown
    body: Any


@dataclass(slots=True)
class Pages:
    """Recorded pages of one listing, merged in offset order."""

    by_offset: list[tuple[int, list[JSON]]] = field(default_factory=list)

    def add(self, offset: int, items: list[JSON]) -> None:
        self.by_offset.append((offset, items))

    def merged(self, key: str = "id") -> list[JSON]:
        seen: dict[str, JSON] = {}
        for _, items in sorted(self.by_offset, key=lambda page: page[0]):
            for item in items:
                seen.setdefault(str(item.get(key)), item)
        return list(seen.values())


def load_recordings(root: Path, store: Store) -> int:
    """Read every API folder under ``root``; returns how many bodies were read."""
    loaders: dict[str, Callable[[Store, list[Row]], None]] = {
        "spotify": _spotify,
        "ticketmaster": _ticketmaster,
        "setlistfm": _setlistfm,
    }
    count = 0
    for folder, loader in loaders.items():
        index = root / folder / "replay-index.json"
        if not index.is_file():
            continue
        rows = list(_rows(store, root / folder, index))
        loader(store, rows)
        count += len(rows)
        log.info("recordings loaded", extra={"service": folder, "bodies": len(rows)})
    return count


def _rows(store: Store, folder: Path, index: Path) -> list[Row]:
    rows = []
    for entry in json.loads(index.read_text())["responses"]:
        if entry.get("method", "GET") != "GET" or not entry.get("path"):
            continue
        raw = (folder / entry["file"]).read_bytes()
        path = entry["path"].rstrip("/")
        query = {k: str(v) for k, v in (entry.get("query") or {}).items()}
        if not _PLACEHOLDER.search(path) and "..." not in query:
            recorded = RecordedResponse(
                path, query, int(entry["status"]), entry.get("headers") or {}, raw
            )
            store.recorded.setdefault(path, []).append(recorded)
        body = json.loads(raw)
        rows.append(Row(path, query, int(entry["status"]), _when(entry), body))
    return rows


def _when(entry: JSON) -> float:
    try:
        return email.utils.parsedate_to_datetime(entry.get("recorded", "")).timestamp()
    except (TypeError, ValueError):
        return 0.0  # "2021 (file committed ...)" and the like: order unknown


def _offset(row: Row, body: JSON) -> int:
    return int(body.get("offset", row.query.get("offset", 0)))


# Spotify


def _spotify(store: Store, rows: list[Row]) -> None:
    catalog = store.spotify
    listings: dict[str, Pages] = {}
    track_pages: dict[str, Pages] = {}
    embedded: dict[str, list[JSON]] = {}
    searches: dict[str, tuple[float, list[JSON]]] = {}
    for row in sorted(rows, key=lambda r: r.recorded):
        if row.status != 200:
            continue
        path, body = row.path, row.body
        if match := re.fullmatch(rf"/v1/artists/{_SPOTIFY_ID}", path):
            catalog.artists[match[1]] = body
        elif match := re.fullmatch(rf"/v1/artists/{_SPOTIFY_ID}/albums", path):
            listings.setdefault(match[1], Pages()).add(
                _offset(row, body), body["items"]
            )
        elif match := re.fullmatch(rf"/v1/albums/{_SPOTIFY_ID}/tracks", path):
            track_pages.setdefault(match[1], Pages()).add(
                _offset(row, body), body["items"]
            )
        elif re.fullmatch(rf"/v1/albums/{_SPOTIFY_ID}", path):
            _album(catalog.albums, embedded, body)
        elif path == "/v1/albums":
            for album in body.get("albums") or []:
                if album:
                    _album(catalog.albums, embedded, album)
        elif path == "/v1/search" and "artists" in body:
            items = body["artists"]["items"]
            searches[search_key(row.query.get("q", ""))] = (row.recorded, items)
    for key, (_, items) in searches.items():
        catalog.searches[key] = items
        for item in items:
            catalog.artists.setdefault(item["id"], item)
    for artist_id, pages in listings.items():
        catalog.artist_albums[artist_id] = pages.merged()
    for album_id, tracks in embedded.items():
        recorded = track_pages.get(album_id)
        _set_tracks(store, album_id, recorded.merged() if recorded else tracks)
    for album_id, pages in track_pages.items():
        if album_id not in embedded:
            _set_tracks(store, album_id, pages.merged())


def _album(
    albums: dict[str, JSON], embedded: dict[str, list[JSON]], body: JSON
) -> None:
    albums[body["id"]] = body
    tracks = body.get("tracks") or {}
    # An embedded page is the whole list only when nothing follows it.
    if tracks.get("next") is None:
        embedded[body["id"]] = tracks.get("items", [])
    else:
        embedded.setdefault(body["id"], [])


def _set_tracks(store: Store, album_id: str, tracks: list[JSON]) -> None:
    catalog = store.spotify
    catalog.album_tracks[album_id] = tracks
    for track in tracks:
        catalog.track_albums[track["id"]] = album_id
        isrc = (track.get("external_ids") or {}).get("isrc")
        if isrc:
            catalog.isrcs[track["id"]] = isrc


# Ticketmaster


def _ticketmaster(store: Store, rows: list[Row]) -> None:
    catalog = store.ticketmaster
    direct: dict[str, JSON] = {}
    for row in sorted(rows, key=lambda r: r.recorded):
        if row.status != 200:
            continue
        path = row.path.removesuffix(".json")
        body = row.body
        if match := re.fullmatch(r"/discovery/v2/attractions/([\w-]+)", path):
            direct[match[1]] = body
        elif path == "/discovery/v2/attractions":
            found = body.get("_embedded", {}).get("attractions", [])
            catalog.searches[fold(row.query.get("keyword", ""))] = found
            _remember_attractions(catalog.attractions, found)
        elif re.fullmatch(r"/discovery/v2/events/([\w-]+)", path):
            _remember_event(store, body)
        elif path == "/discovery/v2/events":
            for event in body.get("_embedded", {}).get("events", []):
                _remember_event(store, event)
    catalog.attractions.update(direct)  # a direct fetch beats an embedded copy


def _remember_attractions(known: dict[str, JSON], found: list[JSON]) -> None:
    for attraction in found:
        known.setdefault(attraction["id"], attraction)


def _remember_event(store: Store, event: JSON) -> None:
    store.ticketmaster.put_event(event)
    attractions = event.get("_embedded", {}).get("attractions", [])
    _remember_attractions(store.ticketmaster.attractions, attractions)


# setlist.fm


def _setlistfm(store: Store, rows: list[Row]) -> None:
    catalog = store.setlistfm
    searches: dict[str, Pages] = {}
    for row in sorted(rows, key=lambda r: r.recorded):
        if row.status != 200:
            continue
        path, body = row.path, row.body
        if re.fullmatch(r"/rest/1\.0/artist/[0-9a-f-]{36}", path):
            catalog.artists[body["mbid"]] = body
        elif path == "/rest/1.0/search/artists":
            for artist in body.get("artist", []):
                catalog.artists.setdefault(artist["mbid"], artist)
            name = row.query.get("artistName")
            if name and not row.query.get("artistMbid"):
                page = int(body.get("page", row.query.get("p", 1)))
                searches.setdefault(fold(name), Pages()).add(
                    page, body.get("artist", [])
                )
        elif "setlist" in body and isinstance(body["setlist"], list):
            for one in body["setlist"]:
                catalog.put_setlist(one)
        elif "eventDate" in body:
            catalog.put_setlist(body)
    for key, pages in searches.items():
        catalog.searches[key] = pages.merged("mbid")
