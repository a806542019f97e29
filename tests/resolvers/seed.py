"""Rows for API tests and benchmarks, written straight through the models."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from jobs.names import normalize_name
from models import (
    Album,
    Artist,
    Import,
    ImportStage,
    Setlist,
    SetlistEntry,
    SetlistKind,
    Show,
    ShowStatus,
    Song,
    Track,
    Venue,
)
from models.slugs import slugify
from models.upsert import upsert


@dataclass
class SeededArtist:
    artist_id: int
    slug: str
    # In the order the shows were dated: earliest first.
    show_ids: list[int] = field(default_factory=list)
    song_ids: list[int] = field(default_factory=list)
    album_ids: list[int] = field(default_factory=list)
    setlist_ids: list[int] = field(default_factory=list)


async def seed_artist(
    name: str,
    *,
    shows: int = 3,
    entries: int = 5,
    songs: int = 10,
    albums: int = 2,
    first_date: dt.date | None = None,
    days_apart: int = 7,
    timezone: str | None = "Europe/London",
    predicted: bool = False,
    spotify_id: str | None = None,
    artist_id: int | None = None,
) -> SeededArtist:
    """An artist with albums, songs, shows at venues and a setlist per show.

    Each setlist has a main set and, from five entries up, a two-song encore;
    its third entry is a tape and its fourth a cover matched to no song.
    ``artist_id`` picks the row id: progress channels are named by it (and
    the Redis database index), so tests that publish use rare ids to keep
    apart from test runs side by side on the same index.
    """
    slug = slugify(name)
    given_id = {"id": artist_id} if artist_id is not None else {}
    artist = await Artist.create(
        **given_id,
        name=name,
        search_name=normalize_name(name),
        slug=slug,
        spotify_id=spotify_id,
        genres=["rock", "indie"],
    )
    seeded = SeededArtist(artist.id, slug)
    seeded.album_ids = await _albums(artist.id, slug, albums)
    seeded.song_ids = await _songs(artist.id, slug, songs, seeded.album_ids)
    venue_ids = await _venues(slug, shows, timezone)
    start = first_date or dt.date(2024, 1, 1)
    seeded.show_ids = await _shows(artist.id, slug, venue_ids, start, days_apart)
    kinds = (
        [SetlistKind.PLAYED, SetlistKind.PREDICTED]
        if predicted
        else [SetlistKind.PLAYED]
    )
    seeded.setlist_ids = await _setlists(
        seeded.show_ids, kinds, entries, seeded.song_ids
    )
    return seeded


def rare_id() -> int:
    """A row id no other test process is likely to use at the same time."""
    return random.randint(10_000_000, 2_000_000_000)


async def seed_import(
    artist_id: int, stage: ImportStage = ImportStage.SHOWS, *, running: bool = True
) -> Import:
    finished = stage in (
        ImportStage.COMPLETED,
        ImportStage.FAILED,
        ImportStage.CANCELLED,
    )
    return await Import.create(
        artist_id=artist_id,
        running_artist_id=artist_id if running and not finished else None,
        stage=stage,
        progress=10.0,
        message=f"{stage} in progress",
        finished_at=dt.datetime.now(dt.UTC) if finished else None,
    )


async def _ids(model: Any, rows: list[dict[str, Any]], conflict: str) -> list[int]:
    returned = await upsert(model, rows, [conflict], returning=("id", conflict))
    by_key = {row[conflict]: row["id"] for row in returned}
    return [by_key[row[conflict]] for row in rows]


async def _albums(artist_id: int, slug: str, count: int) -> list[int]:
    rows = [
        {
            "artist_id": artist_id,
            "spotify_id": f"{slug}-album-{i}"[:64],
            "title": f"Album {i}",
            "kind": "album",
            "release_date": f"{2000 + i}-01-01",
        }
        for i in range(count)
    ]
    return await _ids(Album, rows, "spotify_id")


async def _songs(
    artist_id: int, slug: str, count: int, album_ids: list[int]
) -> list[int]:
    rows = [
        {
            "artist_id": artist_id,
            "key": f"song {i:04d}",
            "title": f"Song {i:04d}",
            "spotify_id": f"{slug}-song-{i}"[:64],
            "duration_ms": 180_000 + i,
            "album_id": album_ids[i % len(album_ids)] if album_ids else None,
            "times_played": i,
        }
        for i in range(count)
    ]
    song_ids = await _ids(Song, rows, "spotify_id")
    tracks = [
        {
            "song_id": song_id,
            "album_id": album_ids[i % len(album_ids)],
            "spotify_id": f"{slug}-track-{i}"[:64],
            "title": f"Song {i:04d}",
            "disc_number": 1,
            "track_number": i // max(len(album_ids), 1) + 1,
            "version": "studio",
        }
        for i, song_id in enumerate(song_ids)
        if album_ids
    ]
    if tracks:
        await upsert(Track, tracks, ["spotify_id"])
    return song_ids


async def _venues(slug: str, count: int, timezone: str | None) -> list[int]:
    rows = [
        {
            "name": f"Hall {i}",
            "match_key": f"{slug} hall {i}",
            "slug": f"{slug}-hall-{i}",
            "city": "London",
            "country": "GB",
            "timezone": timezone,
        }
        for i in range(count)
    ]
    return await _ids(Venue, rows, "slug")


async def _shows(
    artist_id: int, slug: str, venue_ids: list[int], start: dt.date, days_apart: int
) -> list[int]:
    today = dt.datetime.now(dt.UTC).date()
    rows = []
    for i, venue_id in enumerate(venue_ids):
        date = start + dt.timedelta(days=i * days_apart)
        rows.append(
            {
                "artist_id": artist_id,
                "venue_id": venue_id,
                "date": date,
                "status": ShowStatus.PLAYED if date < today else ShowStatus.SCHEDULED,
                "name": f"Show {i}",
                "ticketmaster_id": f"{slug}-show-{i}"[:64],
            }
        )
    return await _ids(Show, rows, "ticketmaster_id")


async def _setlists(
    show_ids: list[int], kinds: list[SetlistKind], entries: int, song_ids: list[int]
) -> list[int]:
    rows = [
        {"show_id": s, "kind": str(kind), "tour": "The Tour"}
        for s in show_ids
        for kind in kinds
    ]
    returned = await upsert(Setlist, rows, ["show_id", "kind"], returning=("id",))
    setlist_ids = [row["id"] for row in returned]
    entry_rows = [
        _entry(setlist_id, position, entries, song_ids)
        for setlist_id in setlist_ids
        for position in range(1, entries + 1)
    ]
    if entry_rows:
        await upsert(SetlistEntry, entry_rows, ["setlist_id", "position"])
    return setlist_ids


def _entry(
    setlist_id: int, position: int, entries: int, song_ids: list[int]
) -> dict[str, Any]:
    encore = 1 if entries >= 5 and position > entries - 2 else 0
    cover = position == 4
    song = None if cover or not song_ids else song_ids[(position - 1) % len(song_ids)]
    return {
        "setlist_id": setlist_id,
        "position": position,
        "set_number": encore,
        "set_name": "Encore" if encore else None,
        "encore": encore,
        "title": "Someone Else's Song"
        if cover
        else f"Song {(position - 1) % max(len(song_ids), 1):04d}",
        "song_id": song,
        "is_tape": position == 3,
        "cover_of": "Another Band" if cover else None,
    }
