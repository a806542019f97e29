"""Import runs: one row per import of an artist, the truth behind progress."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.artist import Artist


class ImportStage(StrEnum):
    QUEUED = "QUEUED"
    IDENTITY = "IDENTITY"
    SHOWS = "SHOWS"
    SONGS = "SONGS"
    SETLISTS = "SETLISTS"
    WRAP_UP = "WRAP_UP"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


TERMINAL_STAGES = frozenset(
    {ImportStage.COMPLETED, ImportStage.FAILED, ImportStage.CANCELLED}
)


def empty_counts() -> dict[str, int]:
    return {"venues": 0, "shows": 0, "albums": 0, "songs": 0, "setlists": 0}


class Import(Model):
    id = fields.IntField(primary_key=True)
    artist: fields.ForeignKeyRelation[Artist] = fields.ForeignKeyField(
        "models.Artist", related_name="imports", on_delete=fields.CASCADE
    )
    # Set to the artist's id while the import runs and cleared when it ends:
    # the unique constraint is how the database allows one running import
    # per artist.
    running_artist_id = fields.IntField(null=True, unique=True)
    stage = fields.CharEnumField(ImportStage, max_length=16, default=ImportStage.QUEUED)
    progress = fields.FloatField(default=0.0)
    message = fields.CharField(max_length=500, default="Queued")
    sequence = fields.IntField(default=0)
    counts: fields.Field[dict[str, int]] = fields.JSONField(default=empty_counts)
    warnings: fields.Field[list[str]] = fields.JSONField(default=list)
    error = fields.TextField(null=True)
    phases_done: fields.Field[list[str]] = fields.JSONField(default=list)
    phase_seconds: fields.Field[dict[str, float]] = fields.JSONField(default=dict)
    cancel_requested = fields.BooleanField(default=False)
    job_key = fields.CharField(max_length=200, null=True)
    attempts = fields.IntField(default=0)
    heartbeat_at = fields.DatetimeField(null=True)
    started_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "import"
        indexes = (("artist_id", "started_at"),)

    @property
    def is_terminal(self) -> bool:
        return self.stage in TERMINAL_STAGES
