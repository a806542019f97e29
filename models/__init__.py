"""Tortoise models of Encore, the database configuration and aerich's migrations."""

from models.artist import Artist
from models.catalog import Album, Song, Track
from models.imports import TERMINAL_STAGES, Import, ImportStage
from models.setlist import Setlist, SetlistEntry, SetlistKind
from models.show import Show, ShowAct, ShowStatus
from models.venue import Venue

__all__ = [
    "TERMINAL_STAGES",
    "Album",
    "Artist",
    "Import",
    "ImportStage",
    "Setlist",
    "SetlistEntry",
    "SetlistKind",
    "Show",
    "ShowAct",
    "ShowStatus",
    "Song",
    "Track",
    "Venue",
]
