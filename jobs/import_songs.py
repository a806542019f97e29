"""SONGS: the studio catalog becomes albums, songs (compositions) and tracks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise.transactions import in_transaction

from jobs.catalog import Catalog, CatalogTrack
from models import Album, Song, Track
from models.upsert import upsert

ALBUM_UPDATES = [
    "artist_id",
    "title",
    "kind",
    "release_date",
    "release_date_precision",
    "total_tracks",
    "image_url",
]
SONG_UPDATES = ["title", "spotify_id", "isrc", "duration_ms", "album_id"]
TRACK_UPDATES = [
    "song_id",
    "album_id",
    "title",
    "disc_number",
    "track_number",
    "duration_ms",
    "isrc",
    "version",
]


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def write_catalog(artist_id: int, catalog: Catalog, batch_size: int) -> None:
    """Upsert the whole catalog in one transaction: a reader sees all or none."""
    album_rows = [
        {
            "spotify_id": r.album.id,
            "artist_id": artist_id,
            "title": r.album.name,
            "kind": r.album.album_type,
            "release_date": r.album.release_date,
            "release_date_precision": r.album.release_date_precision,
            "total_tracks": r.album.total_tracks,
            "image_url": r.album.image_url,
        }
        for r in catalog.releases
    ]
    async with in_transaction() as conn:
        album_ids: dict[str, int] = {}
        for chunk in _chunks(album_rows, batch_size):
            written = await upsert(
                Album,
                chunk,
                conflict=["spotify_id"],
                update=ALBUM_UPDATES,
                returning=("id", "spotify_id"),
                connection=conn,
            )
            album_ids.update({r["spotify_id"]: r["id"] for r in written})
        await _release_representatives(artist_id, catalog, conn)
        song_rows = [
            _song_row(artist_id, s.key, s.title, s.representative, album_ids)
            for s in catalog.songs
        ]
        song_ids: dict[str, int] = {}
        for chunk in _chunks(song_rows, batch_size):
            written = await upsert(
                Song,
                chunk,
                conflict=["artist_id", "key"],
                update=SONG_UPDATES,
                returning=("id", "key"),
                connection=conn,
            )
            song_ids.update({r["key"]: r["id"] for r in written})
        track_rows = [
            _track_row(t, song_ids[s.key], album_ids)
            for s in catalog.songs
            for t in s.tracks
            if t.album_id in album_ids
        ]
        for chunk in _chunks(track_rows, batch_size):
            await upsert(
                Track,
                chunk,
                conflict=["spotify_id"],
                update=TRACK_UPDATES,
                connection=conn,
            )


async def _release_representatives(artist_id: int, catalog: Catalog, conn: Any) -> None:
    # A song's representative recording can move to another song between
    # imports (a title fixed upstream); free the ids this catalog hands out
    # so the unique column never sees two holders at once.
    ids = [s.representative.spotify_id for s in catalog.songs]
    keys = [s.key for s in catalog.songs]
    await conn.execute_query(
        "UPDATE song SET spotify_id = NULL FROM unnest($1::text[], $2::text[]) "
        "AS c(spotify_id, key) WHERE song.spotify_id = c.spotify_id "
        "AND (song.artist_id <> $3 OR song.key <> c.key)",
        [ids, keys, artist_id],
    )


def _song_row(
    artist_id: int, key: str, title: str, track: CatalogTrack, album_ids: dict[str, int]
) -> dict[str, Any]:
    return {
        "artist_id": artist_id,
        "key": key,
        "title": title,
        "spotify_id": track.spotify_id,
        "isrc": track.isrc,
        "duration_ms": track.duration_ms,
        "album_id": album_ids.get(track.album_id),
    }


def _track_row(
    track: CatalogTrack, song_id: int, album_ids: dict[str, int]
) -> dict[str, Any]:
    return {
        "spotify_id": track.spotify_id,
        "song_id": song_id,
        "album_id": album_ids[track.album_id],
        "title": track.name,
        "disc_number": track.disc_number,
        "track_number": track.track_number,
        "duration_ms": track.duration_ms,
        "isrc": track.isrc,
        "version": track.kind.value,
    }
