"""The Subscription root: an import's progress, live."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry import ID

from jobs.progress import ImportSnapshot
from resolvers.ids import parse_id
from resolvers.subscriptions import open_import_progress
from schema import fields
from schema.imports import ImportStatus
from schema.types import Info


@strawberry.type
class Subscription:
    @fields.subscription(
        "The progress of an artist's import: first the current state, then "
        "every change, then completes after COMPLETED, FAILED or CANCELLED."
    )
    async def import_progress(
        self, info: Info, artist_id: ID
    ) -> AsyncGenerator[ImportStatus, None]:
        # Checked here, so an unknown artist fails the subscription at once
        # rather than as the first event.
        snapshots = await open_import_progress(
            info.context, parse_id(artist_id, "artist")
        )
        return _statuses(snapshots)


async def _statuses(
    snapshots: AsyncGenerator[ImportSnapshot, None],
) -> AsyncGenerator[ImportStatus, None]:
    try:
        async for snapshot in snapshots:
            yield ImportStatus.from_snapshot(snapshot)
    finally:
        await snapshots.aclose()
