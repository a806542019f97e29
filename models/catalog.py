"""The studio catalog: albums, songs (compositions) and tracks (recordings)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.artist import Artist


class Album(Model):
    id = fields.IntField(primary_key=True)
    artist: fields.ForeignKeyRelation[Artist] = fields.ForeignKeyField(
        "models.Artist", related_name="albums", on_delete=fields.CASCADE
    )
    spotify_id = fields.CharField(max_length=64, unique=True)
    title = fields.CharField(max_length=500)
    kind = fields.CharField(max_length=20)  # "album" or "single"
    release_date = fields.CharField(max_length=10, null=True)
    release_date_precision = fields.CharField(max_length=5, null=True)
    total_tracks = fields.IntField(null=True)
    image_url = fields.CharField(max_length=1000, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "album"
        indexes = (("artist_id", "release_date"),)


class Song(Model):
    """A composition: what a setlist names. One row per song of an artist."""

    id = fields.IntField(primary_key=True)
    artist: fields.ForeignKeyRelation[Artist] = fields.ForeignKeyField(
        "models.Artist", related_name="songs", on_delete=fields.CASCADE
    )
    # The normalized title: how recordings and setlist entries find the song.
    key = fields.CharField(max_length=500)
    title = fields.CharField(max_length=500)
    # The recording that represents the song: its earliest studio album track.
    spotify_id = fields.CharField(max_length=64, unique=True, null=True)
    isrc = fields.CharField(max_length=16, null=True)
    duration_ms = fields.IntField(null=True)
    album: fields.ForeignKeyNullableRelation[Album] = fields.ForeignKeyField(
        "models.Album",
        related_name="display_songs",
        null=True,
        on_delete=fields.SET_NULL,
    )
    times_played = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "song"
        unique_together = (("artist_id", "key"),)
        indexes = (("artist_id", "title"),)


class Track(Model):
    """A recording of a song on one album or single."""

    id = fields.IntField(primary_key=True)
    song: fields.ForeignKeyRelation[Song] = fields.ForeignKeyField(
        "models.Song", related_name="tracks", on_delete=fields.CASCADE
    )
    album: fields.ForeignKeyRelation[Album] = fields.ForeignKeyField(
        "models.Album", related_name="tracks", on_delete=fields.CASCADE
    )
    spotify_id = fields.CharField(max_length=64, unique=True)
    title = fields.CharField(max_length=500)
    disc_number = fields.SmallIntField(default=1)
    track_number = fields.SmallIntField(default=0)
    duration_ms = fields.IntField(null=True)
    isrc = fields.CharField(max_length=16, null=True)
    version = fields.CharField(max_length=20, default="studio")

    class Meta:
        table = "track"
        indexes = (("album_id", "disc_number", "track_number"),)
