"""The GraphQL types of Encore's data, each built from its model row."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import ID

import models
from resolvers.catalog import artist_albums, artist_songs
from resolvers.context import RequestContext
from resolvers.setlists import SetGroup, group_sets, song_of
from resolvers.shows import ShowWhen, artist_shows
from schema import fields
from schema.connections import Connection, connection
from schema.imports import ImportStatus

Info = strawberry.Info[RequestContext, None]

# The enums of the models and resolvers are the GraphQL enums, names and all.
strawberry.enum(models.ShowStatus)
strawberry.enum(models.SetlistKind)
strawberry.enum(ShowWhen)


def _id(value: int) -> ID:
    return ID(str(value))


def size_or_default(first: int | None, default: int) -> int:
    # The contract's page sizes are nullable with a default: null means it.
    return default if first is None else first


@strawberry.type
class Venue:
    id: ID
    name: str
    city: str | None
    region: str | None
    country: str | None
    timezone: str | None

    @classmethod
    def from_row(cls, row: models.Venue) -> Venue:
        return cls(
            id=_id(row.id),
            name=row.name,
            city=row.city,
            region=row.region,
            country=row.country,
            timezone=row.timezone,
        )


@strawberry.type
class Album:
    id: ID
    title: str
    spotify_id: str
    kind: str
    release_date: str | None
    row_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Album) -> Album:
        return cls(
            id=_id(row.id),
            title=row.title,
            spotify_id=row.spotify_id,
            kind=row.kind,
            release_date=row.release_date,
            row_id=row.id,
        )

    @fields.field("The songs with a track on this album, in track order.")
    async def songs(self, info: Info) -> list[Song]:
        rows = await info.context.loaders.album_songs.load(self.row_id)
        return [Song.from_row(row) for row in rows]


@strawberry.type
class Song:
    id: ID
    title: str
    spotify_id: str | None
    isrc: str | None
    duration_ms: int | None
    times_played: int = strawberry.field(
        description=(
            "How many imported setlists contain this song as performed "
            "(tapes excluded)."
        )
    )
    album_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Song) -> Song:
        return cls(
            id=_id(row.id),
            title=row.title,
            spotify_id=row.spotify_id,
            isrc=row.isrc,
            duration_ms=row.duration_ms,
            times_played=row.times_played,
            album_id=row.album_id,  # type: ignore[attr-defined]
        )

    @strawberry.field
    async def album(self, info: Info) -> Album | None:
        if self.album_id is None:
            return None
        row = await info.context.loaders.album.load(self.album_id)
        return Album.from_row(row) if row else None


@strawberry.type
class SetlistEntry:
    position: int
    title: str
    is_tape: bool
    cover_of: str | None
    info: str | None
    song: Song | None = strawberry.field(
        description="The catalog song this entry was matched to, if any."
    )

    @classmethod
    def from_row(cls, row: models.SetlistEntry) -> SetlistEntry:
        song = song_of(row)
        return cls(
            position=row.position,
            title=row.title,
            is_tape=row.is_tape,
            cover_of=row.cover_of,
            info=row.info,
            song=Song.from_row(song) if song else None,
        )


@strawberry.type
class SetlistSet:
    name: str | None
    encore: int = strawberry.field(
        description="0 for the main set, 1 for the first encore, and so on."
    )
    entries: list[SetlistEntry]

    @classmethod
    def from_group(cls, group: SetGroup) -> SetlistSet:
        return cls(
            name=group.name,
            encore=group.encore,
            entries=[SetlistEntry.from_row(e) for e in group.entries],
        )


@strawberry.type
class Setlist:
    id: ID
    kind: models.SetlistKind
    tour: str | None
    row_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Setlist) -> Setlist:
        return cls(id=_id(row.id), kind=row.kind, tour=row.tour, row_id=row.id)

    @strawberry.field
    async def sets(self, info: Info) -> list[SetlistSet]:
        entries = await info.context.loaders.entries.load(self.row_id)
        return [SetlistSet.from_group(group) for group in group_sets(entries)]


@strawberry.type
class Show:
    id: ID
    date: dt.date | None = strawberry.field(
        description="Null when the date is not announced yet."
    )
    status: models.ShowStatus
    name: str | None
    ticket_url: str | None
    ticketmaster_id: str | None
    setlistfm_id: str | None
    row_id: strawberry.Private[int]
    artist_id: strawberry.Private[int]
    venue_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Show) -> Show:
        return cls(
            id=_id(row.id),
            date=row.date,
            status=row.status,
            name=row.name,
            ticket_url=row.ticket_url,
            ticketmaster_id=row.ticketmaster_id,
            setlistfm_id=row.setlistfm_id,
            row_id=row.id,
            artist_id=row.artist_id,  # type: ignore[attr-defined]
            venue_id=row.venue_id,  # type: ignore[attr-defined]
        )

    @strawberry.field
    async def artist(self, info: Info) -> Artist:
        row = await info.context.loaders.artist.load(self.artist_id)
        if row is None:
            # The foreign key cascades: a show never outlives its artist.
            raise LookupError(f"show {self.row_id} has no artist {self.artist_id}")
        return Artist.from_row(row)

    @strawberry.field
    async def venue(self, info: Info) -> Venue | None:
        if self.venue_id is None:
            return None
        row = await info.context.loaders.venue.load(self.venue_id)
        return Venue.from_row(row) if row else None

    @fields.field("What was played (from setlist.fm), if known.")
    async def setlist(self, info: Info) -> Setlist | None:
        return await self._setlist(info, models.SetlistKind.PLAYED)

    @fields.field("For upcoming shows: what is likely to be played.")
    async def predicted_setlist(self, info: Info) -> Setlist | None:
        return await self._setlist(info, models.SetlistKind.PREDICTED)

    async def _setlist(self, info: Info, kind: models.SetlistKind) -> Setlist | None:
        row = await info.context.loaders.setlist.load((self.row_id, kind))
        return Setlist.from_row(row) if row else None


@strawberry.type
class Artist:
    id: ID
    name: str
    slug: str
    spotify_id: str | None
    ticketmaster_id: str | None
    mbid: str | None
    genres: list[str]
    image_url: str | None
    row_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Artist) -> Artist:
        return cls(
            id=_id(row.id),
            name=row.name,
            slug=row.slug,
            spotify_id=row.spotify_id,
            ticketmaster_id=row.ticketmaster_id,
            mbid=row.mbid,
            genres=list(row.genres or ()),
            image_url=row.image_url,
            row_id=row.id,
        )

    @fields.field("Studio catalog: one entry per recording, ordered by title.")
    async def songs(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[Song]:
        page = await artist_songs(
            info.context, self.row_id, size_or_default(first, 50), after
        )
        return connection(page, Song.from_row)

    @fields.field("Albums and singles, oldest release first.")
    async def albums(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[Album]:
        page = await artist_albums(
            info.context, self.row_id, size_or_default(first, 50), after
        )
        return connection(page, Album.from_row)

    @fields.field(
        "Ordered by date; upcoming ones from today (venue time), "
        "past ones newest first. ALL lists the upcoming ones (undated ones "
        "last), then the past ones."
    )
    async def shows(
        self,
        info: Info,
        when: ShowWhen | None = ShowWhen.ALL,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Show]:
        page = await artist_shows(
            info.context,
            self.row_id,
            when or ShowWhen.ALL,
            size_or_default(first, 20),
            after,
        )
        return connection(page, Show.from_row)

    @strawberry.field
    async def import_status(self, info: Info) -> ImportStatus | None:
        snapshot = await info.context.loaders.latest_import.load(self.row_id)
        return ImportStatus.from_snapshot(snapshot) if snapshot else None
