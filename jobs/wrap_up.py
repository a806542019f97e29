"""WRAP_UP: predicted setlists for upcoming shows, play counts, artist stats.

Everything here is derived from what the earlier phases stored, so a retried
job that resumes at this phase needs nothing from upstream.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from clients.types import Setlist as UpstreamSetlist
from clients.types import SetlistSet, SetlistSong, SpotifyAlbum, SpotifyTrack
from jobs.catalog import Catalog, SongIndex, build_catalog
from jobs.import_setlists import write_entries
from jobs.predict import DEFAULT_SHOWS, predict_setlist
from models import Artist, Setlist, SetlistKind
from models.upsert import upsert


async def wrap_up(
    artist: Artist,
    index: SongIndex,
    song_ids: dict[str, int],
    catalog: Catalog | None = None,
) -> int:
    """Returns how many upcoming shows got a predicted setlist.

    ``index`` and ``song_ids`` are the artist's stored songs
    (``load_song_index``); ``catalog`` the one this run built, if it did.
    """
    await _count_plays(artist.id)
    predicted = await _predict_upcoming(artist, index, song_ids, catalog)
    await _refresh_stats(artist.id)
    return predicted


async def _count_plays(artist_id: int) -> None:
    conn = Tortoise.get_connection("default")
    # Counted song by song through the song_id index: right after a bulk
    # load the planner's statistics are stale, and an aggregate over all
    # entries can turn into one scan per song.
    await conn.execute_query(
        """
        UPDATE song SET times_played = c.n
        FROM song s CROSS JOIN LATERAL (
            SELECT count(DISTINCT e.setlist_id) AS n
            FROM setlist_entry e JOIN setlist l ON l.id = e.setlist_id
            WHERE e.song_id = s.id AND l.kind = 'PLAYED' AND NOT e.is_tape
        ) c
        WHERE song.id = s.id AND s.artist_id = $1
          AND song.times_played IS DISTINCT FROM c.n
        """,
        [artist_id],
    )


async def _predict_upcoming(
    artist: Artist,
    index: SongIndex,
    song_ids: dict[str, int],
    catalog: Catalog | None,
) -> int:
    conn = Tortoise.get_connection("default")
    today = dt.datetime.now(dt.UTC).date()
    shows = await conn.execute_query_dict(
        "SELECT id FROM show WHERE artist_id = $1 AND (date IS NULL OR date >= $2) "
        "AND status NOT IN ('CANCELLED', 'PLAYED') ORDER BY id",
        [artist.id, today],
    )
    if not shows:
        return 0
    history = await _recent_history(artist.id, DEFAULT_SHOWS)
    if not history and catalog is None:
        catalog = await _stored_catalog(artist)
    prediction = predict_setlist(history, index, catalog=catalog, before=today)
    if not prediction.entries:
        return 0
    show_ids = [row["id"] for row in shows]
    async with in_transaction() as conn_tx:
        written = await upsert(
            Setlist,
            [
                {"show_id": show_id, "kind": SetlistKind.PREDICTED.value, "tour": None}
                for show_id in show_ids
            ],
            conflict=["show_id", "kind"],
            update=["tour"],
            returning=("id",),
            connection=conn_tx,
        )
        entries = {row["id"]: prediction.entries for row in written}
        await write_entries(entries, song_ids, conn_tx)
    return len(show_ids)


async def _recent_history(artist_id: int, limit: int) -> list[UpstreamSetlist]:
    """The latest played setlists, rebuilt in the shape setlist.fm gave them."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        """
        WITH recent AS (
            SELECT l.id, l.setlistfm_id, s.date FROM setlist l
            JOIN show s ON s.id = l.show_id
            WHERE s.artist_id = $1 AND l.kind = 'PLAYED' AND s.date IS NOT NULL
            ORDER BY s.date DESC, l.id DESC LIMIT $2
        )
        SELECT r.id AS setlist_id, r.setlistfm_id, r.date, e.set_number, e.set_name,
               e.encore, e.title, e.is_tape, e.cover_of, e.with_artist, e.info
        FROM recent r JOIN setlist_entry e ON e.setlist_id = r.id
        ORDER BY r.date DESC, r.id DESC, e.position
        """,
        [artist_id, limit],
    )
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["setlist_id"]].append(row)
    return [_as_upstream(entries) for entries in grouped.values()]


def _as_upstream(rows: list[dict[str, Any]]) -> UpstreamSetlist:
    sets: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        sets[row["set_number"]].append(row)
    return UpstreamSetlist(
        id=rows[0]["setlistfm_id"] or str(rows[0]["setlist_id"]),
        version_id=None,
        event_date=rows[0]["date"],
        artist_mbid="",
        venue=None,
        tour=None,
        info=None,
        url=None,
        sets=tuple(
            SetlistSet(
                name=items[0]["set_name"],
                encore=items[0]["encore"],
                songs=tuple(
                    SetlistSong(
                        name=r["title"],
                        info=r["info"],
                        tape=r["is_tape"],
                        cover_of=r["cover_of"],
                        with_artist=r["with_artist"],
                    )
                    for r in items
                ),
            )
            for _, items in sorted(sets.items())
        ),
    )


async def _stored_catalog(artist: Artist) -> Catalog | None:
    """The catalog as stored, for predictions of an artist with no history."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        """
        SELECT a.spotify_id AS album_id, a.title AS album_title, a.kind,
               a.release_date, a.release_date_precision, a.total_tracks,
               t.spotify_id, t.title, t.disc_number, t.track_number,
               t.duration_ms, t.isrc
        FROM album a JOIN track t ON t.album_id = a.id
        WHERE a.artist_id = $1 ORDER BY a.id, t.disc_number, t.track_number
        """,
        [artist.id],
    )
    if not rows:
        return None
    albums: dict[str, SpotifyAlbum] = {}
    tracks: dict[str, list[SpotifyTrack]] = defaultdict(list)
    for row in rows:
        albums.setdefault(
            row["album_id"],
            SpotifyAlbum(
                id=row["album_id"],
                name=row["album_title"],
                album_type=row["kind"],
                album_group=row["kind"],
                release_date=row["release_date"],
                release_date_precision=row["release_date_precision"],
                total_tracks=row["total_tracks"],
                artist_ids=(artist.spotify_id or "",),
            ),
        )
        tracks[row["album_id"]].append(
            SpotifyTrack(
                id=row["spotify_id"],
                name=row["title"],
                album_id=row["album_id"],
                disc_number=row["disc_number"],
                track_number=row["track_number"],
                duration_ms=row["duration_ms"],
                isrc=row["isrc"],
            )
        )
    return build_catalog(artist.spotify_id or "", list(albums.values()), tracks)


async def _refresh_stats(artist_id: int) -> None:
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        """
        UPDATE artist SET
          upcoming_shows_count = (SELECT count(*) FROM show WHERE artist_id = $1
                                  AND (date IS NULL OR date >= current_date)
                                  AND status <> 'PLAYED'),
          songs_count = (SELECT count(*) FROM song WHERE artist_id = $1),
          setlists_count = (SELECT count(*) FROM setlist l
                            JOIN show s ON s.id = l.show_id
                            WHERE s.artist_id = $1 AND l.kind = 'PLAYED'),
          updated_at = now()
        WHERE id = $1
        """,
        [artist_id],
    )
