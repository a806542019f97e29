"""Venues from both services, merged when they are one place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from clients.types import SetlistVenue, TmVenue
from jobs.names import normalize_name
from models import Venue
from models.slugs import slugify, unique_slugs
from models.upsert import upsert

VENUE_UPDATES = [
    "name",
    "match_key",
    "city",
    "region",
    "country",
    "latitude",
    "longitude",
]


def venue_match_key(name: str, city: str | None) -> str:
    """How a venue is recognised across services: its name and city, normalized."""
    return f"{normalize_name(name)}|{normalize_name(city or '')}"


async def upsert_venues(
    venues: Sequence[TmVenue | SetlistVenue],
    source: str,
    conn: BaseDBAsyncClient | None = None,
) -> dict[str, int]:
    """Write venues of one service; returns upstream id → venue id.

    ``source`` is the id column: ``ticketmaster_id`` or ``setlistfm_id``. A
    venue first seen through the other service under the same name and city
    gets this service's id instead of a second row.
    """
    unique = list({v.id: v for v in venues}.values())
    if not unique:
        return {}
    conn = conn or Tortoise.get_connection("default")
    await _adopt_by_match_key(unique, source, conn)
    slugs = await unique_slugs(
        Venue, [(f"{source}:{v.id}", slugify(v.name, v.city)) for v in unique]
    )
    rows = [_row(v, source, slugs[f"{source}:{v.id}"]) for v in unique]
    update = (
        [*VENUE_UPDATES, "timezone"] if source == "ticketmaster_id" else VENUE_UPDATES
    )
    written = await upsert(
        Venue,
        rows,
        conflict=[source],
        update=update,
        returning=("id", source),
        connection=conn,
    )
    return {row[source]: row["id"] for row in written}


def _row(venue: TmVenue | SetlistVenue, source: str, slug: str) -> dict[str, Any]:
    return {
        source: venue.id,
        "name": venue.name,
        "match_key": venue_match_key(venue.name, venue.city),
        "slug": slug,
        "city": venue.city,
        "region": venue.region,
        "country": venue.country,
        "timezone": getattr(venue, "timezone", None),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
    }


async def _adopt_by_match_key(
    venues: Sequence[TmVenue | SetlistVenue], source: str, conn: BaseDBAsyncClient
) -> None:
    ids = [v.id for v in venues]
    keys = [venue_match_key(v.name, v.city) for v in venues]
    # The oldest unclaimed row of the same name and city takes the id, unless
    # some row already holds it.
    await conn.execute_query(
        f"""
        UPDATE venue v SET "{source}" = c.id, updated_at = now()
        FROM unnest($1::text[], $2::text[]) AS c(id, key)
        WHERE v.id = (
            SELECT min(x.id) FROM venue x
            WHERE x.match_key = c.key AND x."{source}" IS NULL
        )
        AND NOT EXISTS (SELECT 1 FROM venue w WHERE w."{source}" = c.id)
        """,
        [ids, keys],
    )
