"""The import of one artist, phase by phase, as a worker runs it.

The three services are read concurrently from the start (each at its own
rate limit) while the phases write in order: SHOWS, SONGS, SETLISTS, then
WRAP_UP. A phase that finished is recorded on the import row and skipped when
a retried job runs again; a service that fails or is missing skips its phase
with a warning and leaves what the others wrote.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tortoise import Tortoise

from clients.errors import UpstreamError
from clients.types import Page, Setlist, SpotifyAlbum, SpotifyTrack, TmEvent
from jobs.catalog import (
    EXCLUDED_RELEASES,
    Catalog,
    SongIndex,
    build_catalog,
    release_kind,
)
from jobs.import_setlists import load_song_index, page_entries, write_setlists
from jobs.import_shows import write_events
from jobs.import_songs import write_catalog
from jobs.progress import ImportSnapshot, ProgressReporter, read_snapshot, within
from jobs.runtime import Resources
from jobs.wrap_up import wrap_up
from models import Artist, ImportStage

log = logging.getLogger(__name__)

T = TypeVar("T")

ALBUMS_PER_BATCH_CALL = 20
REFRESHED_COLUMNS = {
    ImportStage.SHOWS: "shows_refreshed_at",
    ImportStage.SONGS: "catalog_refreshed_at",
    ImportStage.SETLISTS: "setlists_refreshed_at",
}


class ImportStopped(Exception):
    """The import ended elsewhere (cancelled or swept); stop quietly."""


class ImportInterrupted(Exception):
    """The worker is shutting down: the last batch is committed, hand the job back."""


@dataclass
class Fetch:
    """One service's pages, read ahead by a task of their own."""

    queue: asyncio.Queue[Any] = field(default_factory=asyncio.Queue)
    task: asyncio.Task[None] | None = None
    total: int | None = None
    done_items: int = 0

    async def pages(self) -> AsyncIterator[Any]:
        while True:
            item = await self.queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    async def stop(self) -> None:
        if self.task and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


_END = object()


class ImportRun:
    """Runs (or resumes) one import row to a terminal stage."""

    def __init__(
        self,
        import_id: int,
        resources: Resources,
        *,
        draining: asyncio.Event | None = None,
        setlist_pages: int | None = None,
        on_heartbeat: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.import_id = import_id
        self.resources = resources
        self.settings = resources.settings
        self.reporter = ProgressReporter(resources.redis, import_id)
        self.draining = draining or asyncio.Event()
        self.setlist_pages = setlist_pages or self.settings.setlist_max_pages
        self.on_heartbeat = on_heartbeat
        self.db_seconds = 0.0
        self.fetches: dict[ImportStage, Fetch] = {}
        self.song_index: tuple[SongIndex, dict[str, int]] | None = None
        # Kept for WRAP_UP's predictions; a resumed run rebuilds it from the
        # database only if it needs it.
        self.catalog: Catalog | None = None

    async def run(self) -> ImportSnapshot:
        snapshot = await read_snapshot(self.import_id)
        if snapshot.is_terminal:
            return snapshot
        artist = await Artist.get(id=snapshot.artist_id)
        done = set(snapshot.phases_done)
        log.info(
            "import started",
            extra={"import_id": self.import_id, "artist_id": artist.id},
        )
        heartbeat = asyncio.create_task(self._heartbeats())
        try:
            if ImportStage.IDENTITY not in done:
                artist = await self._timed(ImportStage.IDENTITY, self.identity(artist))
            self._start_fetches(artist, done)
            phases: list[tuple[ImportStage, Callable[[Artist], Awaitable[None]]]] = [
                (ImportStage.SHOWS, self.shows),
                (ImportStage.SONGS, self.songs),
                (ImportStage.SETLISTS, self.setlists),
                (ImportStage.WRAP_UP, self.wrap_up),
            ]
            for stage, phase in phases:
                if stage not in done:
                    await self._timed(stage, phase(artist))
            return await self._finish(ImportStage.COMPLETED, "Import completed")
        except ImportStopped:
            return await read_snapshot(self.import_id)
        finally:
            heartbeat.cancel()
            for fetch in self.fetches.values():
                await fetch.stop()

    # --- phases -----------------------------------------------------------

    async def identity(self, artist: Artist) -> Artist:
        await self._update(
            stage=ImportStage.IDENTITY, progress=0.0, message="Confirming the artist"
        )
        from jobs.identity import complete_identity

        warnings = await complete_identity(artist, self.resources.upstream)
        for warning in warnings:
            await self._update(warning=warning)
        await self._update(
            progress=within(ImportStage.IDENTITY, 1.0),
            message=f"Found {artist.name}",
            phase_done=ImportStage.IDENTITY,
        )
        return artist

    async def shows(self, artist: Artist) -> None:
        stage = ImportStage.SHOWS
        await self._update(
            stage=stage, progress=within(stage, 0), message="Reading shows"
        )
        fetch = self.fetches.get(stage)
        if fetch is None:
            await self._skip(
                stage, "no Ticketmaster attraction is known for this artist"
            )
            return

        async def write(page: Page[TmEvent]) -> int:
            await self._db(write_events(artist, page.items))
            return len(page.items)

        await self._write_pages(stage, artist, fetch, "Ticketmaster", "shows", write)

    async def songs(self, artist: Artist) -> None:
        stage = ImportStage.SONGS
        await self._update(
            stage=stage, progress=within(stage, 0), message="Reading the catalog"
        )
        fetch = self.fetches.get(stage)
        if fetch is None:
            await self._skip(stage, "no Spotify artist is known for this artist")
            return
        albums: list[SpotifyAlbum] = []
        tracks: dict[str, list[SpotifyTrack]] = {}
        try:
            async for kind, payload in fetch.pages():
                await self._check_running()
                if kind == "albums":
                    albums.extend(payload)
                else:
                    tracks.update({k: list(v.items) for k, v in payload.items()})
                    total = max(fetch.total or 1, 1)
                    await self._update(
                        progress=within(stage, 0.9 * len(tracks) / total),
                        message=f"Read {len(tracks)} of {total} releases",
                    )
        except UpstreamError as exc:
            await self._skip(stage, f"Spotify failed: {exc}")
            return
        catalog = await asyncio.to_thread(
            build_catalog, artist.spotify_id or "", albums, tracks
        )
        self.catalog = catalog
        await self._check_running()
        await self._db(
            write_catalog(artist.id, catalog, self.settings.import_batch_size)
        )
        await self._phase_done(
            stage,
            f"Imported {len(catalog.songs)} songs "
            f"from {len(catalog.releases)} releases",
            artist.id,
        )

    async def setlists(self, artist: Artist) -> None:
        stage = ImportStage.SETLISTS
        await self._update(
            stage=stage, progress=within(stage, 0), message="Reading setlists"
        )
        fetch = self.fetches.get(stage)
        if fetch is None:
            await self._skip(stage, "no MusicBrainz id is known for this artist")
            return
        index, song_ids = await self._song_index(artist.id)

        async def write(page: Page[Setlist]) -> int:
            entries = page_entries(page.items, index)
            return await self._db(
                write_setlists(artist.id, page.items, entries, song_ids)
            )

        await self._write_pages(stage, artist, fetch, "setlist.fm", "setlists", write)

    async def _write_pages(
        self,
        stage: ImportStage,
        artist: Artist,
        fetch: Fetch,
        service: str,
        noun: str,
        write: Callable[[Any], Awaitable[int]],
    ) -> None:
        """Write a listing page by page, reporting after each committed one."""
        known = (await self._counts(artist.id))[noun]
        written = 0
        try:
            async for page in fetch.pages():
                await self._check_running()
                written += await write(page)
                total = max(fetch.total or written, written)
                # Counted exactly when the phase ends; a recount per page
                # costs more the more the artist has.
                await self._update(
                    progress=within(stage, written / total if total else 1.0),
                    message=f"Imported {written} of {total} {noun}",
                    counts={noun: max(known, written)},
                )
        except UpstreamError as exc:
            await self._skip(stage, f"{service} failed after {written} {noun}: {exc}")
            return
        await self._phase_done(stage, f"Imported {written} {noun}", artist.id)

    async def wrap_up(self, artist: Artist) -> None:
        stage = ImportStage.WRAP_UP
        await self._update(
            stage=stage, progress=within(stage, 0), message="Predicting setlists"
        )
        await self._check_running()
        index, song_ids = await self._song_index(artist.id)
        predicted = await self._db(wrap_up(artist, index, song_ids, self.catalog))
        await self._phase_done(
            stage, f"Predicted setlists for {predicted} upcoming shows", artist.id
        )

    async def _song_index(self, artist_id: int) -> tuple[SongIndex, dict[str, int]]:
        if self.song_index is None:
            self.song_index = await self._db(load_song_index(artist_id))
        return self.song_index

    # --- reading ahead ------------------------------------------------------

    def _start_fetches(self, artist: Artist, done: set[str]) -> None:
        upstream = self.resources.upstream
        if ImportStage.SHOWS not in done and artist.ticketmaster_id:
            fetch = Fetch()
            fetch.task = asyncio.create_task(
                self._pump(
                    fetch, upstream.ticketmaster.iter_events(artist.ticketmaster_id)
                )
            )
            self.fetches[ImportStage.SHOWS] = fetch
        if ImportStage.SONGS not in done and artist.spotify_id:
            fetch = Fetch()
            fetch.task = asyncio.create_task(
                self._read_catalog(fetch, artist.spotify_id)
            )
            self.fetches[ImportStage.SONGS] = fetch
        if ImportStage.SETLISTS not in done and artist.mbid:
            fetch = Fetch()
            pages = upstream.setlistfm.iter_setlists(
                artist.mbid, max_pages=self.setlist_pages
            )
            fetch.task = asyncio.create_task(self._pump(fetch, pages))
            self.fetches[ImportStage.SETLISTS] = fetch

    async def _pump(self, fetch: Fetch, pages: AsyncIterator[Page[Any]]) -> None:
        try:
            async for page in pages:
                if page.total is not None:
                    fetch.total = page.total
                for warning in page.warnings:
                    log.warning("upstream item skipped", extra={"reason": warning})
                await fetch.queue.put(page)
        except Exception as exc:  # handed to the phase, which decides
            await fetch.queue.put(exc)
        finally:
            await fetch.queue.put(_END)

    async def _read_catalog(self, fetch: Fetch, spotify_id: str) -> None:
        spotify = self.resources.upstream.spotify
        try:
            wanted: list[SpotifyAlbum] = []
            async for page in spotify.iter_artist_albums(spotify_id):
                # Compilations and appearances never hold the artist's own
                # songs: their tracks are not worth a request.
                kept = [
                    a
                    for a in page.items
                    if release_kind(a, spotify_id) not in EXCLUDED_RELEASES
                ]
                wanted.extend(kept)
                await fetch.queue.put(("albums", kept))
            fetch.total = len(wanted)
            ids = [a.id for a in wanted]
            chunks = [
                ids[i : i + ALBUMS_PER_BATCH_CALL]
                for i in range(0, len(ids), ALBUMS_PER_BATCH_CALL)
            ]
            for tracks in asyncio.as_completed(
                [spotify.get_albums_tracks(c) for c in chunks]
            ):
                await fetch.queue.put(("tracks", await tracks))
        except Exception as exc:
            await fetch.queue.put(exc)
        finally:
            await fetch.queue.put(_END)

    # --- bookkeeping ----------------------------------------------------------

    async def _update(self, **change: Any) -> ImportSnapshot:
        started = time.perf_counter()
        snapshot = await self.reporter.update(**change)
        self.db_seconds += time.perf_counter() - started
        if snapshot.is_terminal:
            raise ImportStopped
        return snapshot

    async def _db(self, work: Awaitable[T]) -> T:
        started = time.perf_counter()
        try:
            return await work
        finally:
            self.db_seconds += time.perf_counter() - started

    async def _timed(self, stage: ImportStage, work: Awaitable[T]) -> T:
        started = time.perf_counter()
        result = await work
        seconds = round(time.perf_counter() - started, 3)
        log.info(
            "phase finished",
            extra={
                "import_id": self.import_id,
                "phase": str(stage),
                "seconds": seconds,
            },
        )
        await self._update(
            phase_seconds={str(stage): seconds, "database": round(self.db_seconds, 3)}
        )
        return result

    async def _check_running(self) -> None:
        conn = Tortoise.get_connection("default")
        rows = await self._db(
            conn.execute_query_dict(
                'SELECT cancel_requested, finished_at FROM "import" WHERE id = $1',
                [self.import_id],
            )
        )
        if not rows or rows[0]["finished_at"] is not None:
            raise ImportStopped
        if rows[0]["cancel_requested"]:
            await self._finish(
                ImportStage.CANCELLED, "Import cancelled; what was imported stays"
            )
            raise ImportStopped
        if self.draining.is_set():
            raise ImportInterrupted

    async def _skip(self, stage: ImportStage, reason: str) -> None:
        log.warning(
            "phase skipped",
            extra={"import_id": self.import_id, "phase": str(stage), "reason": reason},
        )
        await self._update(warning=f"{stage.value.title()} skipped: {reason}")
        await self._update(
            progress=within(stage, 1.0),
            message=f"Skipped {stage.value.lower()}",
            phase_done=stage,
        )

    async def _phase_done(
        self, stage: ImportStage, message: str, artist_id: int
    ) -> None:
        column = REFRESHED_COLUMNS.get(stage)
        if column:
            await self._db(Artist.filter(id=artist_id).update(**{column: now()}))
        await self._update(
            progress=within(stage, 1.0),
            message=message,
            phase_done=stage,
            counts=await self._counts(artist_id),
        )

    async def _counts(self, artist_id: int) -> dict[str, int]:
        conn = Tortoise.get_connection("default")
        rows = await self._db(
            conn.execute_query_dict(
                """
                SELECT
                  (SELECT count(DISTINCT venue_id) FROM show
                    WHERE artist_id = $1) AS venues,
                  (SELECT count(*) FROM show WHERE artist_id = $1) AS shows,
                  (SELECT count(*) FROM album WHERE artist_id = $1) AS albums,
                  (SELECT count(*) FROM song WHERE artist_id = $1) AS songs,
                  (SELECT count(*) FROM setlist l JOIN show s ON s.id = l.show_id
                    WHERE s.artist_id = $1 AND l.kind = 'PLAYED') AS setlists
                """,
                [artist_id],
            )
        )
        return {k: int(v) for k, v in rows[0].items()}

    async def _finish(
        self, stage: ImportStage, message: str, error: str | None = None
    ) -> ImportSnapshot:
        snapshot = await self.reporter.update(
            stage=stage,
            progress=100.0 if stage is ImportStage.COMPLETED else None,
            message=message,
            error=error,
            finished=True,
        )
        log.info(
            "import finished",
            extra={
                "import_id": self.import_id,
                "stage": str(snapshot.stage),
                "database_seconds": round(self.db_seconds, 3),
            },
        )
        return snapshot

    async def note(self, message: str) -> None:
        """A message on the import row that changes nothing else."""
        await self.reporter.update(message=message)

    async def fail(self, reason: str) -> ImportSnapshot:
        return await self._finish(
            ImportStage.FAILED, f"Import failed: {reason}", error=reason
        )

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(self.settings.import_heartbeat_seconds / 3)
            try:
                await self.reporter.heartbeat()
                if self.on_heartbeat:
                    await self.on_heartbeat()
            except Exception as exc:  # the next beat may get through
                log.warning(
                    "heartbeat failed",
                    extra={"import_id": self.import_id, "reason": repr(exc)},
                )


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
