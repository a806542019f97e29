"""DataLoaders of one request: every nested field is read in batches.

A level of a query costs one statement per loader it touches, however many
rows the level above returned.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from jobs.progress import ImportSnapshot
from models import Album, Artist, Setlist, SetlistEntry, SetlistKind, Show, Song, Venue
from resolvers.catalog import album_listing, load_album_songs, song_listing
from resolvers.imports import load_latest_imports
from resolvers.pagination import CountKey, Page, PageKey, load_counts, load_pages
from resolvers.setlists import load_entries, load_setlists
from resolvers.shows import artist_show_listing

M = TypeVar("M", bound=Model)


def _by_id(model: type[M]) -> Callable[[Sequence[int]], Awaitable[list[M | None]]]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = await model.filter(pk__in=set(ids))
        found = {row.pk: row for row in rows}
        return [found.get(i) for i in ids]

    return load


class Loaders:
    """Fresh for every request, so nothing read is served to a later one.

    ``cache=False`` (for a websocket connection, which lives long) still
    batches but remembers nothing between batches. Each loader is made on
    first use: most requests touch few of them, and every subscriber's
    connection holds a set.
    """

    def __init__(self, *, cache: bool = True) -> None:
        self.cache = cache

    @functools.cached_property
    def artist(self) -> DataLoader[int, Artist | None]:
        return DataLoader(_by_id(Artist), cache=self.cache)

    @functools.cached_property
    def venue(self) -> DataLoader[int, Venue | None]:
        return DataLoader(_by_id(Venue), cache=self.cache)

    @functools.cached_property
    def song(self) -> DataLoader[int, Song | None]:
        return DataLoader(_by_id(Song), cache=self.cache)

    @functools.cached_property
    def album(self) -> DataLoader[int, Album | None]:
        return DataLoader(_by_id(Album), cache=self.cache)

    @functools.cached_property
    def setlist(self) -> DataLoader[tuple[int, SetlistKind], Setlist | None]:
        return DataLoader(load_setlists, cache=self.cache)

    @functools.cached_property
    def entries(self) -> DataLoader[int, list[SetlistEntry]]:
        return DataLoader(load_entries, cache=self.cache)

    @functools.cached_property
    def album_songs(self) -> DataLoader[int, list[Song]]:
        return DataLoader(load_album_songs, cache=self.cache)

    @functools.cached_property
    def latest_import(self) -> DataLoader[int, ImportSnapshot | None]:
        return DataLoader(load_latest_imports, cache=self.cache)

    @functools.cached_property
    def artist_shows(self) -> DataLoader[PageKey, Page[Show]]:
        return DataLoader(
            lambda keys: load_pages(keys, artist_show_listing), cache=self.cache
        )

    @functools.cached_property
    def artist_show_counts(self) -> DataLoader[CountKey, int]:
        return DataLoader(
            lambda keys: load_counts(keys, artist_show_listing), cache=self.cache
        )

    @functools.cached_property
    def artist_songs(self) -> DataLoader[PageKey, Page[Song]]:
        return DataLoader(lambda keys: load_pages(keys, song_listing), cache=self.cache)

    @functools.cached_property
    def artist_song_counts(self) -> DataLoader[CountKey, int]:
        return DataLoader(
            lambda keys: load_counts(keys, song_listing), cache=self.cache
        )

    @functools.cached_property
    def artist_albums(self) -> DataLoader[PageKey, Page[Album]]:
        return DataLoader(
            lambda keys: load_pages(keys, album_listing), cache=self.cache
        )

    @functools.cached_property
    def artist_album_counts(self) -> DataLoader[CountKey, int]:
        return DataLoader(
            lambda keys: load_counts(keys, album_listing), cache=self.cache
        )
