"""The state of an import as clients see it."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import ID

from jobs.progress import ImportSnapshot
from models import ImportStage

strawberry.enum(ImportStage)


@strawberry.type
class ImportCounts:
    venues: int
    shows: int
    albums: int
    songs: int
    setlists: int


@strawberry.type
class ImportStatus:
    import_id: ID
    artist_id: ID
    stage: ImportStage
    progress: float = strawberry.field(
        description="0 to 100, never decreasing within one import."
    )
    message: str
    sequence: int = strawberry.field(
        description=(
            "Increases by one with every published change; "
            "lets a client drop stale events."
        )
    )
    counts: ImportCounts
    error: str | None = strawberry.field(
        description="Why the import failed, or warnings of a phase that was skipped."
    )
    warnings: list[str]
    started_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None

    @classmethod
    def from_snapshot(cls, snapshot: ImportSnapshot) -> ImportStatus:
        updated = snapshot.updated_at or snapshot.started_at or dt.datetime.now(dt.UTC)
        counts = snapshot.counts
        return cls(
            import_id=ID(str(snapshot.import_id)),
            artist_id=ID(str(snapshot.artist_id)),
            stage=snapshot.stage,
            progress=snapshot.progress,
            message=snapshot.message,
            sequence=snapshot.sequence,
            counts=ImportCounts(
                venues=counts.get("venues", 0),
                shows=counts.get("shows", 0),
                albums=counts.get("albums", 0),
                songs=counts.get("songs", 0),
                setlists=counts.get("setlists", 0),
            ),
            error=snapshot.error,
            warnings=list(snapshot.warnings),
            started_at=snapshot.started_at or updated,
            updated_at=updated,
            finished_at=snapshot.finished_at,
        )
