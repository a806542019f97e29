"""Imports: their latest state, and the mutations that start and stop them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tortoise import Tortoise

from jobs.progress import ImportSnapshot
from jobs.start import ArtistKey, StartResult, cancel_import, start_import
from resolvers.artists import require_artist
from resolvers.auth import authorize_mutation

if TYPE_CHECKING:
    from resolvers.context import RequestContext


async def load_latest_imports(artist_ids: Sequence[int]) -> list[ImportSnapshot | None]:
    """Each artist's most recent import, in one statement."""
    sql = (
        'SELECT DISTINCT ON (artist_id) * FROM "import" '
        "WHERE artist_id = ANY($1::int[]) "
        "ORDER BY artist_id, started_at DESC, id DESC"
    )
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(sql, [list(set(artist_ids))])
    found = {row["artist_id"]: ImportSnapshot.from_row(row) for row in rows}
    return [found.get(artist_id) for artist_id in artist_ids]


async def import_status(
    context: RequestContext, artist_id: int
) -> ImportSnapshot | None:
    """The artist's latest import; None if never imported, NOT_FOUND if unknown."""
    await require_artist(artist_id)
    return await context.loaders.latest_import.load(artist_id)


async def import_artist(
    context: RequestContext,
    *,
    ticketmaster_id: str | None,
    spotify_id: str | None,
    mbid: str | None,
    name: str | None,
) -> StartResult:
    """Start (or join) an artist's import, for a caller with a valid token."""
    await authorize_mutation(context)
    key = ArtistKey(
        ticketmaster_id=ticketmaster_id, spotify_id=spotify_id, mbid=mbid, name=name
    )
    return await start_import(key, context.services.resources)


async def stop_import(context: RequestContext, artist_id: int) -> ImportSnapshot:
    await authorize_mutation(context)
    return await cancel_import(artist_id, context.services.resources)
