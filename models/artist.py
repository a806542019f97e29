"""Artists: the root every other row hangs from."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Artist(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=300)
    # Lower-cased, accent- and punctuation-free name; what name search compares.
    search_name = fields.CharField(max_length=300, db_index=True)
    slug = fields.CharField(max_length=200, unique=True)
    spotify_id = fields.CharField(max_length=64, unique=True, null=True)
    ticketmaster_id = fields.CharField(max_length=64, unique=True, null=True)
    mbid = fields.CharField(max_length=36, unique=True, null=True)
    genres: fields.Field[list[str]] = fields.JSONField(default=list)
    image_url = fields.CharField(max_length=1000, null=True)
    upcoming_shows_count = fields.IntField(default=0)
    songs_count = fields.IntField(default=0)
    setlists_count = fields.IntField(default=0)
    shows_refreshed_at = fields.DatetimeField(null=True)
    catalog_refreshed_at = fields.DatetimeField(null=True)
    setlists_refreshed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "artist"
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name
