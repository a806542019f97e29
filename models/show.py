"""Shows (concerts) and their line-ups."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.artist import Artist
from models.venue import Venue


class ShowStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    RESCHEDULED = "RESCHEDULED"
    POSTPONED = "POSTPONED"
    CANCELLED = "CANCELLED"
    PLAYED = "PLAYED"


class Show(Model):
    id = fields.IntField(primary_key=True)
    artist: fields.ForeignKeyRelation[Artist] = fields.ForeignKeyField(
        "models.Artist", related_name="shows", on_delete=fields.CASCADE
    )
    venue: fields.ForeignKeyNullableRelation[Venue] = fields.ForeignKeyField(
        "models.Venue", related_name="shows", null=True, on_delete=fields.SET_NULL
    )
    # The local date at the venue; null while the date is not announced.
    date = fields.DateField(null=True)
    starts_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(ShowStatus, max_length=16)
    name = fields.CharField(max_length=500, null=True)
    ticket_url = fields.CharField(max_length=1000, null=True)
    ticketmaster_id = fields.CharField(max_length=64, unique=True, null=True)
    setlistfm_id = fields.CharField(max_length=64, unique=True, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "show"
        indexes = (("artist_id", "date"), ("date",))


class ShowAct(Model):
    """One act of a show's line-up: position 0 is the headliner."""

    id = fields.IntField(primary_key=True)
    show: fields.ForeignKeyRelation[Show] = fields.ForeignKeyField(
        "models.Show", related_name="acts", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField()
    name = fields.CharField(max_length=300)
    ticketmaster_id = fields.CharField(max_length=64, null=True)
    artist: fields.ForeignKeyNullableRelation[Artist] = fields.ForeignKeyField(
        "models.Artist",
        related_name="appearances",
        null=True,
        on_delete=fields.SET_NULL,
    )

    class Meta:
        table = "show_act"
        unique_together = (("show_id", "position"),)
