"""Setlists, played (from setlist.fm) and predicted, with their entries.

A setlist's sets live on its entries (set number, name and encore number):
sets have no identity of their own upstream, and keeping them on the entry
lets one upsert write a whole setlist.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.catalog import Song
from models.show import Show


class SetlistKind(StrEnum):
    PLAYED = "PLAYED"
    PREDICTED = "PREDICTED"


class Setlist(Model):
    id = fields.IntField(primary_key=True)
    show: fields.ForeignKeyRelation[Show] = fields.ForeignKeyField(
        "models.Show", related_name="setlists", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(SetlistKind, max_length=10)
    setlistfm_id = fields.CharField(max_length=64, unique=True, null=True)
    version_id = fields.CharField(max_length=64, null=True)
    tour = fields.CharField(max_length=500, null=True)
    info = fields.TextField(null=True)
    url = fields.CharField(max_length=1000, null=True)
    last_updated = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "setlist"
        unique_together = (("show_id", "kind"),)


class SetlistEntry(Model):
    id = fields.IntField(primary_key=True)
    setlist: fields.ForeignKeyRelation[Setlist] = fields.ForeignKeyField(
        "models.Setlist", related_name="entries", on_delete=fields.CASCADE
    )
    # 1-based across the whole setlist.
    position = fields.SmallIntField()
    set_number = fields.SmallIntField(default=0)
    set_name = fields.CharField(max_length=300, null=True)
    encore = fields.SmallIntField(default=0)
    title = fields.CharField(max_length=500)
    song: fields.ForeignKeyNullableRelation[Song] = fields.ForeignKeyField(
        "models.Song", related_name="entries", null=True, on_delete=fields.SET_NULL
    )
    is_tape = fields.BooleanField(default=False)
    cover_of = fields.CharField(max_length=300, null=True)
    with_artist = fields.CharField(max_length=300, null=True)
    info = fields.TextField(null=True)

    class Meta:
        table = "setlist_entry"
        unique_together = (("setlist_id", "position"),)
        indexes = (("song_id",),)
