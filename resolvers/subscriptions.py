"""The importProgress stream: the current snapshot, then every newer one."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from encore.errors import NotFoundError
from jobs.progress import ImportSnapshot, latest_snapshot
from models import Import
from resolvers.artists import require_artist
from resolvers.progress_hub import ProgressHub, Signal

if TYPE_CHECKING:
    from resolvers.context import RequestContext

log = logging.getLogger(__name__)


async def open_import_progress(
    context: RequestContext, artist_id: int
) -> AsyncGenerator[ImportSnapshot, None]:
    """The artist's progress stream; NOT_FOUND before it starts when there is
    nothing to follow (an unknown artist, or one never imported)."""
    await require_artist(artist_id)
    if not await Import.exists(artist_id=artist_id):
        raise NotFoundError(f"artist {artist_id} was never imported")
    return import_progress(
        context.services.hub, artist_id, context.settings.progress_poll_seconds
    )


def is_newer(candidate: ImportSnapshot, than: ImportSnapshot) -> bool:
    # A later import of the artist supersedes every event of an earlier one.
    return (candidate.import_id, candidate.sequence) > (than.import_id, than.sequence)


async def import_progress(
    hub: ProgressHub, artist_id: int, poll_seconds: float
) -> AsyncGenerator[ImportSnapshot, None]:
    """Yield the snapshot, then each newer event, until a terminal stage.

    The channel is subscribed before the snapshot is read, so no event falls
    between the two; whatever arrives out of order or twice is dropped by its
    sequence. When nothing arrives for ``poll_seconds`` the snapshot row is
    read again, in case a message was lost.
    """
    feed = await hub.join(artist_id)
    log.debug("progress stream opened", extra={"artist_id": artist_id})
    try:
        current = await latest_snapshot(artist_id)
        if current is None:
            return
        yield current
        while not current.is_terminal:
            item = await feed.next(poll_seconds)
            if item is Signal.CLOSED:
                return
            if isinstance(item, ImportSnapshot) and item.import_id == current.import_id:
                candidate: ImportSnapshot | None = item
            else:
                # A resync, a quiet spell, or news of another import: the
                # row decides what is current.
                candidate = await latest_snapshot(artist_id)
            if candidate is not None and is_newer(candidate, current):
                current = candidate
                yield current
    finally:
        hub.leave(feed)
        log.debug("progress stream closed", extra={"artist_id": artist_id})
