"""The Mutation root: starting and cancelling imports (bearer token needed)."""

from __future__ import annotations

import strawberry
from strawberry import ID

from resolvers.ids import parse_id
from resolvers.imports import import_artist, stop_import
from schema import fields
from schema.imports import ImportStatus
from schema.types import Artist, Info


@strawberry.input(description="Exactly one of the keys must be given.")
class ImportArtistInput:
    ticketmaster_id: str | None = None
    spotify_id: str | None = None
    mbid: str | None = None
    name: str | None = None


@strawberry.type
class ImportArtistPayload:
    artist: Artist
    import_status: ImportStatus
    already_running: bool = strawberry.field(
        description="True when this call joined an import that was already running."
    )


@strawberry.type
class Mutation:
    @fields.mutation(
        "Starts (or joins) the import of one artist. Needs a bearer token. "
        "Returns once the artist's identity is stored; the other phases run "
        "in the background."
    )
    async def import_artist(
        self, info: Info, input: ImportArtistInput
    ) -> ImportArtistPayload:
        started = await import_artist(
            info.context,
            ticketmaster_id=input.ticketmaster_id,
            spotify_id=input.spotify_id,
            mbid=input.mbid,
            name=input.name,
        )
        return ImportArtistPayload(
            artist=Artist.from_row(started.artist),
            import_status=ImportStatus.from_snapshot(started.snapshot),
            already_running=started.already_running,
        )

    @fields.mutation(
        "Stops a running import; what was committed stays. Needs a bearer token."
    )
    async def cancel_import(self, info: Info, artist_id: ID) -> ImportStatus:
        snapshot = await stop_import(info.context, parse_id(artist_id, "artist"))
        return ImportStatus.from_snapshot(snapshot)
