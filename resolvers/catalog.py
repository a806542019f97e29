"""An artist's studio catalog: songs by title, albums by release date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

from tortoise import Tortoise

from models import Album, Song
from resolvers.pagination import Listing, Ordering, Page, page_args

if TYPE_CHECKING:
    from resolvers.context import RequestContext

SONGS_BY_TITLE = Ordering((("s.title", "text"), ("s.id", "int")))
ALBUMS_BY_RELEASE = Ordering(
    (
        ("CASE WHEN al.release_date IS NULL THEN 1 ELSE 0 END", "int"),
        ("COALESCE(al.release_date, '')", "text"),
        ("al.id", "int"),
    )
)


def song_listing(variant: Hashable, artist_ids: list[int]) -> Listing[Song]:
    listing = Listing(Song, "s", SONGS_BY_TITLE, partition="s.artist_id")
    listing.filter(f"s.artist_id = ANY({listing.param(artist_ids, 'int[]')})")
    return listing


def album_listing(variant: Hashable, artist_ids: list[int]) -> Listing[Album]:
    listing = Listing(Album, "al", ALBUMS_BY_RELEASE, partition="al.artist_id")
    listing.filter(f"al.artist_id = ANY({listing.param(artist_ids, 'int[]')})")
    return listing


async def load_album_songs(album_ids: Sequence[int]) -> list[list[Song]]:
    """Each album's songs: those with a track on it, in track order."""
    sql = (
        "SELECT t.album_id AS _album, s.*, "
        "min(t.disc_number * 1000 + t.track_number) AS _place "
        "FROM track t JOIN song s ON s.id = t.song_id "
        "WHERE t.album_id = ANY($1::int[]) "
        "GROUP BY t.album_id, s.id ORDER BY t.album_id, _place, s.id"
    )
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(sql, [list(set(album_ids))])
    songs: dict[int, list[Song]] = defaultdict(list)
    for row in rows:
        songs[row["_album"]].append(Song._init_from_db(**row))
    return [songs.get(album_id, []) for album_id in album_ids]


async def artist_songs(
    context: RequestContext, artist_id: int, first: int, after: str | None
) -> Page[Song]:
    args = page_args(first, after, SONGS_BY_TITLE)
    loaders = context.loaders
    page: Page[Song] = await loaders.artist_songs.load((artist_id, None, args))
    page.total = lambda: loaders.artist_song_counts.load((artist_id, None))
    return page


async def artist_albums(
    context: RequestContext, artist_id: int, first: int, after: str | None
) -> Page[Album]:
    args = page_args(first, after, ALBUMS_BY_RELEASE)
    loaders = context.loaders
    page: Page[Album] = await loaders.artist_albums.load((artist_id, None, args))
    page.total = lambda: loaders.artist_album_counts.load((artist_id, None))
    return page
