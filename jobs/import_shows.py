"""SHOWS: the artist's Ticketmaster events become venues, shows and line-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from clients.types import TmEvent
from jobs.venues import upsert_venues
from models import Artist, Show, ShowAct, ShowStatus
from models.upsert import upsert

EVENT_STATUSES = {
    "canceled": ShowStatus.CANCELLED,
    "cancelled": ShowStatus.CANCELLED,
    "postponed": ShowStatus.POSTPONED,
    "rescheduled": ShowStatus.RESCHEDULED,
}

SHOW_UPDATES = [
    "artist_id",
    "venue_id",
    "date",
    "starts_at",
    "status",
    "name",
    "ticket_url",
]


def show_status(event: TmEvent, today: dt.date) -> ShowStatus:
    status = EVENT_STATUSES.get((event.status or "").lower(), ShowStatus.SCHEDULED)
    if status is ShowStatus.SCHEDULED and event.local_date and event.local_date < today:
        return ShowStatus.PLAYED
    return status


@dataclass(frozen=True, slots=True)
class ShowsWritten:
    venues: int
    shows: int


async def write_events(artist: Artist, events: Sequence[TmEvent]) -> ShowsWritten:
    """Upsert one batch of events in one transaction."""
    today = dt.datetime.now(dt.UTC).date()
    async with in_transaction() as conn:
        venue_ids = await upsert_venues(
            [e.venue for e in events if e.venue], "ticketmaster_id", conn
        )
        rows = [_show_row(artist.id, e, venue_ids, today) for e in events]
        shows = await upsert(
            Show,
            rows,
            conflict=["ticketmaster_id"],
            update=SHOW_UPDATES,
            returning=("id", "ticketmaster_id"),
            connection=conn,
        )
        show_ids = {row["ticketmaster_id"]: row["id"] for row in shows}
        await _write_line_ups(artist, events, show_ids, conn)
    return ShowsWritten(venues=len(venue_ids), shows=len(show_ids))


def _show_row(
    artist_id: int, event: TmEvent, venue_ids: dict[str, int], today: dt.date
) -> dict[str, Any]:
    return {
        "ticketmaster_id": event.id,
        "artist_id": artist_id,
        "venue_id": venue_ids.get(event.venue.id) if event.venue else None,
        "date": event.local_date,
        "starts_at": event.start_utc,
        "status": show_status(event, today).value,
        "name": event.name,
        "ticket_url": event.url,
    }


async def _write_line_ups(
    artist: Artist,
    events: Sequence[TmEvent],
    show_ids: dict[str, int],
    conn: Any,
) -> None:
    rows: list[dict[str, Any]] = []
    lengths: dict[int, int] = {}
    for event in events:
        show_id = show_ids[event.id]
        acts: list[tuple[str, str | None]] = [(a.name, a.id) for a in event.attractions]
        if not acts:
            # Listed under the artist's attraction id: the artist plays it.
            acts = [(artist.name, artist.ticketmaster_id)]
        for position, (name, act_id) in enumerate(acts):
            ours = act_id is not None and act_id == artist.ticketmaster_id
            rows.append(
                {
                    "show_id": show_id,
                    "position": position,
                    "name": name,
                    "ticketmaster_id": act_id,
                    "artist_id": artist.id if ours else None,
                }
            )
        lengths[show_id] = len(acts)
    await upsert(
        ShowAct,
        rows,
        conflict=["show_id", "position"],
        update=["name", "ticketmaster_id", "artist_id"],
        connection=conn,
    )
    await conn.execute_query(
        "DELETE FROM show_act a USING unnest($1::int[], $2::int[]) AS c(show_id, n) "
        "WHERE a.show_id = c.show_id AND a.position >= c.n",
        [list(lengths), list(lengths.values())],
    )
