"""SETLISTS: setlist.fm history becomes past shows, setlists and entries."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from clients.types import Setlist as UpstreamSetlist
from jobs.catalog import SongIndex
from jobs.setlist_rules import SetlistEntry as EntryRule
from jobs.setlist_rules import setlist_entries
from jobs.venues import upsert_venues
from models import Setlist, SetlistEntry, SetlistKind, Show, ShowStatus
from models.upsert import upsert

SETLIST_UPDATES = [
    "show_id",
    "kind",
    "version_id",
    "tour",
    "info",
    "url",
    "last_updated",
]
ENTRY_UPDATES = [
    "set_number",
    "set_name",
    "encore",
    "title",
    "song_id",
    "is_tape",
    "cover_of",
    "with_artist",
    "info",
]


async def load_song_index(artist_id: int) -> tuple[SongIndex, dict[str, int]]:
    """The artist's songs as stored: a title matcher and song key → id."""
    titles, ids = await _stored_titles(artist_id)
    # Building the matcher is pure CPU; keep the event loop (and with it the
    # pacing of requests in flight) free meanwhile.
    return await asyncio.to_thread(SongIndex, titles), ids


async def _stored_titles(artist_id: int) -> tuple[dict[str, list[str]], dict[str, int]]:
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT s.id, s.key, s.title, t.title AS track_title FROM song s "
        "LEFT JOIN track t ON t.song_id = s.id WHERE s.artist_id = $1",
        [artist_id],
    )
    titles: dict[str, list[str]] = {}
    ids: dict[str, int] = {}
    for row in rows:
        titles.setdefault(row["key"], [row["title"]])
        if row["track_title"]:
            titles[row["key"]].append(row["track_title"])
        ids[row["key"]] = row["id"]
    return titles, ids


def page_entries(
    setlists: Sequence[UpstreamSetlist], index: SongIndex
) -> dict[str, tuple[EntryRule, ...]]:
    """Each setlist's entries, matched to the catalog: setlist.fm id → entries."""
    return {s.id: setlist_entries(s, index) for s in setlists}


async def write_setlists(
    artist_id: int,
    setlists: Sequence[UpstreamSetlist],
    entries: Mapping[str, Sequence[EntryRule]],
    song_ids: dict[str, int],
) -> int:
    """Upsert one page of setlists in one transaction; returns how many.

    ``entries`` are the setlists' entries by setlist.fm id (``page_entries``).
    """
    unique = list({s.id: s for s in setlists}.values())
    if not unique:
        return 0
    async with in_transaction() as conn:
        venue_ids = await upsert_venues(
            [s.venue for s in unique if s.venue], "setlistfm_id", conn
        )
        show_ids = await _attach_shows(artist_id, unique, venue_ids, conn)
        written = await upsert(
            Setlist,
            [_setlist_row(s, show_ids[s.id]) for s in unique],
            conflict=["setlistfm_id"],
            update=SETLIST_UPDATES,
            returning=("id", "setlistfm_id"),
            connection=conn,
        )
        setlist_ids = {r["setlistfm_id"]: r["id"] for r in written}
        by_row = {setlist_ids[s.id]: entries[s.id] for s in unique}
        await write_entries(by_row, song_ids, conn)
    return len(unique)


async def write_entries(
    entries: Mapping[int, Sequence[EntryRule]], song_ids: dict[str, int], conn: Any
) -> None:
    """Entries of whole setlists: positions beyond the new length go."""
    rows = [
        {
            "setlist_id": setlist_id,
            "position": e.position,
            "set_number": e.set_number,
            "set_name": e.set_name,
            "encore": e.encore,
            "title": e.title[:500],
            "song_id": song_ids.get(e.song_key) if e.song_key else None,
            "is_tape": e.is_tape,
            "cover_of": e.cover_of,
            "with_artist": e.with_artist,
            "info": e.info,
        }
        for setlist_id, items in entries.items()
        for e in items
    ]
    await upsert(
        SetlistEntry,
        rows,
        conflict=["setlist_id", "position"],
        update=ENTRY_UPDATES,
        connection=conn,
    )
    await conn.execute_query(
        "DELETE FROM setlist_entry e USING unnest($1::int[], $2::int[]) AS c(id, n) "
        "WHERE e.setlist_id = c.id AND e.position > c.n",
        [list(entries), [len(items) for items in entries.values()]],
    )


async def _attach_shows(
    artist_id: int,
    setlists: Sequence[UpstreamSetlist],
    venue_ids: dict[str, int],
    conn: Any,
) -> dict[str, int]:
    """setlist.fm id → show id: the show it already belongs to, an upcoming or
    past show on the same local date at the same venue, or a new past show."""
    ids = [s.id for s in setlists]
    known = await conn.execute_query_dict(
        "SELECT id, setlistfm_id FROM show WHERE setlistfm_id = ANY($1::text[])", [ids]
    )
    result = {r["setlistfm_id"]: r["id"] for r in known}
    pending = [s for s in setlists if s.id not in result and s.venue]
    if pending:
        attached = await conn.execute_query_dict(
            """
            UPDATE show s SET setlistfm_id = c.sid, updated_at = now(),
                status = CASE WHEN s.date < current_date AND s.status = 'SCHEDULED'
                              THEN 'PLAYED' ELSE s.status END
            FROM unnest($2::text[], $3::date[], $4::int[]) AS c(sid, day, venue)
            WHERE s.id = (
                SELECT min(x.id) FROM show x
                WHERE x.artist_id = $1 AND x.setlistfm_id IS NULL
                  AND x.date = c.day AND x.venue_id = c.venue
            )
            RETURNING s.id, s.setlistfm_id
            """,
            [
                artist_id,
                [s.id for s in pending],
                [s.event_date for s in pending],
                [venue_ids[s.venue.id] if s.venue else None for s in pending],
            ],
        )
        result.update({r["setlistfm_id"]: r["id"] for r in attached})
    today = dt.datetime.now(dt.UTC).date()
    new = [
        _past_show_row(artist_id, s, venue_ids, today)
        for s in setlists
        if s.id not in result
    ]
    created = await upsert(
        Show,
        new,
        conflict=["setlistfm_id"],
        update=["artist_id", "venue_id", "date", "status", "name"],
        returning=("id", "setlistfm_id"),
        connection=conn,
    )
    result.update({r["setlistfm_id"]: r["id"] for r in created})
    return result


def _past_show_row(
    artist_id: int, setlist: UpstreamSetlist, venue_ids: dict[str, int], today: dt.date
) -> dict[str, Any]:
    status = ShowStatus.PLAYED if setlist.event_date <= today else ShowStatus.SCHEDULED
    return {
        "setlistfm_id": setlist.id,
        "artist_id": artist_id,
        "venue_id": venue_ids.get(setlist.venue.id) if setlist.venue else None,
        "date": setlist.event_date,
        "status": status.value,
        "name": setlist.tour,
    }


def _setlist_row(setlist: UpstreamSetlist, show_id: int) -> dict[str, Any]:
    return {
        "setlistfm_id": setlist.id,
        "show_id": show_id,
        "kind": SetlistKind.PLAYED.value,
        "version_id": setlist.version_id,
        "tour": setlist.tour,
        "info": setlist.info,
        "url": setlist.url,
        "last_updated": setlist.last_updated,
    }
