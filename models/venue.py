"""Venues, from Ticketmaster events and setlist.fm setlists alike."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Venue(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=300)
    # Venue name and city, normalized: how a setlist.fm venue finds the
    # Ticketmaster venue it is.
    match_key = fields.CharField(max_length=400, db_index=True)
    slug = fields.CharField(max_length=250, unique=True)
    ticketmaster_id = fields.CharField(max_length=64, unique=True, null=True)
    setlistfm_id = fields.CharField(max_length=64, unique=True, null=True)
    city = fields.CharField(max_length=200, null=True)
    region = fields.CharField(max_length=200, null=True)
    country = fields.CharField(max_length=100, null=True)
    timezone = fields.CharField(max_length=64, null=True)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "venue"

    def __str__(self) -> str:
        return self.name
