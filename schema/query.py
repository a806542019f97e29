"""The Query root: artists, shows and import status."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry import ID

from resolvers.artists import find_artist, list_artists
from resolvers.ids import parse_id
from resolvers.imports import import_status
from resolvers.shows import find_show, list_shows
from schema import fields
from schema.connections import Connection, connection
from schema.imports import ImportStatus
from schema.types import Artist, Info, Show, size_or_default


@strawberry.type
class Query:
    @fields.field("One artist by any of its keys; exactly one argument must be given.")
    async def artist(
        self,
        id: ID | None = None,
        slug: str | None = None,
        spotify_id: str | None = None,
        ticketmaster_id: str | None = None,
        mbid: str | None = None,
    ) -> Artist | None:
        row = await find_artist(
            id=id,
            slug=slug,
            spotify_id=spotify_id,
            ticketmaster_id=ticketmaster_id,
            mbid=mbid,
        )
        return Artist.from_row(row) if row else None

    @fields.field(
        "Artists in the database, optionally filtered by a case- and "
        "accent-insensitive name search."
    )
    async def artists(
        self,
        search: str | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Artist]:
        page = await list_artists(search, size_or_default(first, 20), after)
        return connection(page, Artist.from_row)

    @strawberry.field
    async def show(self, id: ID) -> Show | None:
        row = await find_show(parse_id(id, "show"))
        return Show.from_row(row) if row else None

    @fields.field(
        "Shows of one artist or of all, between two dates (inclusive), "
        "ordered by date; undated ones last."
    )
    async def shows(
        self,
        artist_id: ID | None = None,
        date_from: Annotated[dt.date | None, strawberry.argument(name="from")] = None,
        to: dt.date | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Show]:
        artist = parse_id(artist_id, "artist") if artist_id is not None else None
        size = size_or_default(first, 20)
        page = await list_shows(artist, date_from, to, size, after)
        return connection(page, Show.from_row)

    @fields.field("The latest import of an artist; null if it was never imported.")
    async def import_status(self, info: Info, artist_id: ID) -> ImportStatus | None:
        snapshot = await import_status(info.context, parse_id(artist_id, "artist"))
        return ImportStatus.from_snapshot(snapshot) if snapshot else None
