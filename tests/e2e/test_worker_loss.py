"""Workers lost mid-import, by SIGKILL or SIGTERM, and the imports they leave."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
import redis.asyncio as aioredis

from jobs.progress import channel_for
from tests.e2e.conftest import IMPORT_SECONDS, TERMINAL_STAGES, Stack

pytestmark = pytest.mark.e2e

# Short heartbeats, so the job of a killed worker is seen as lost in seconds;
# the server sets it on the job when it queues an import.
HEARTBEAT_SECONDS = 3
SHUTDOWN_GRACE_SECONDS = 10
# Big enough that, with latency on every upstream request and setlist.fm's
# two requests a second, an import lasts several seconds.
TOURING_ARTIST = {"albums": 40, "tracks": 400, "setlists": 120, "events": 150}

ROW_COUNTS = """
SELECT
  (SELECT count(*) FROM album WHERE artist_id = $1) AS albums,
  (SELECT count(*) FROM track t JOIN album a ON a.id = t.album_id
    WHERE a.artist_id = $1) AS tracks,
  (SELECT count(*) FROM song WHERE artist_id = $1) AS songs,
  (SELECT count(*) FROM show WHERE artist_id = $1
    AND ticketmaster_id IS NOT NULL) AS events,
  (SELECT count(*) FROM show WHERE artist_id = $1
    AND ticketmaster_id IS NOT NULL AND date IS NULL) AS undated_events,
  (SELECT count(DISTINCT venue_id) FROM show WHERE artist_id = $1
    AND ticketmaster_id IS NOT NULL) AS event_venues,
  (SELECT count(*) FROM show WHERE artist_id = $1) AS shows,
  (SELECT count(*) FROM setlist l JOIN show s ON s.id = l.show_id
    WHERE s.artist_id = $1 AND l.kind = 'PLAYED') AS setlists,
  (SELECT count(*) FROM setlist_entry e JOIN setlist l ON l.id = e.setlist_id
    JOIN show s ON s.id = l.show_id WHERE s.artist_id = $1) AS setlist_entries
"""
EMPTY_SETLISTS = """
SELECT count(*) FROM setlist l JOIN show s ON s.id = l.show_id
WHERE s.artist_id = $1 AND l.kind = 'PLAYED'
  AND NOT EXISTS (SELECT 1 FROM setlist_entry e WHERE e.setlist_id = l.id)
"""
# What the sandbox's ground truth says of the same rows.
TRUTH_OF = {
    "albums": "albums_and_singles_distinct",
    "songs": "studio_songs",
    "events": "events",
    "undated_events": "undated_events",
    "event_venues": "event_venues",
    "setlists": "setlists",
}


@pytest.fixture(scope="module")
async def stack(e2e_stack: Stack) -> Stack:
    e2e_stack.env.update(
        IMPORT_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS),
        WORKER_SHUTDOWN_GRACE_SECONDS=str(SHUTDOWN_GRACE_SECONDS),
    )
    await e2e_stack.start("--latency-ms", "20")
    return e2e_stack


class ProgressLog:
    """Every message on one artist's progress channel, read straight from Redis."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.changed = asyncio.Event()

    async def read(self, pubsub: aioredis.client.PubSub) -> None:
        while True:
            message = await pubsub.get_message(timeout=1.0)
            if message and message["type"] == "message":
                self.events.append(json.loads(message["data"]))
                self.changed.set()

    async def until(
        self, wanted: Callable[[dict[str, Any]], bool], seconds: float
    ) -> dict[str, Any]:
        """The first event ``wanted`` accepts, waiting for it if need be."""
        async with asyncio.timeout(seconds):
            seen = 0
            while True:
                for event in self.events[seen:]:
                    if wanted(event):
                        return event
                seen = len(self.events)
                self.changed.clear()
                await self.changed.wait()


@contextlib.asynccontextmanager
async def progress_log(stack: Stack, artist_id: str) -> AsyncIterator[ProgressLog]:
    client = aioredis.Redis.from_url(stack.env["REDIS_URL"])
    pubsub = client.pubsub()
    await pubsub.subscribe(channel_for(int(artist_id)))
    log = ProgressLog()
    reader = asyncio.create_task(log.read(pubsub))
    try:
        yield log
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()


async def row_counts(stack: Stack, artist_id: str) -> dict[str, int]:
    conn = await asyncpg.connect(stack.env["DATABASE_URL"])
    try:
        row = await conn.fetchrow(ROW_COUNTS, int(artist_id))
    finally:
        await conn.close()
    assert row is not None
    return dict(row)


async def empty_setlists(stack: Stack, artist_id: str) -> int:
    conn = await asyncpg.connect(stack.env["DATABASE_URL"])
    try:
        count: int = await conn.fetchval(EMPTY_SETLISTS, int(artist_id))
    finally:
        await conn.close()
    return count


async def queued_import(stack: Stack, name: str) -> tuple[dict[str, Any], str]:
    """A new sandbox artist, its import queued while no worker runs."""
    for worker in stack.workers():
        await stack.stop(worker)
    created = await stack.sandbox("POST", "/artists", {"name": name, **TOURING_ARTIST})
    truth = await stack.sandbox("GET", f"/artists/{created['ticketmaster_id']}")
    started = await stack.import_artist(ticketmasterId=created["ticketmaster_id"])
    assert started["importStatus"]["stage"] == "QUEUED"
    return truth, started["artist"]["id"]


def mid_setlists(event: dict[str, Any]) -> bool:
    # Some setlist pages committed, more to come.
    progress = float(event["progress"])
    return event["stage"] == "SETLISTS" and 70.0 <= progress < 85.0


def assert_never_goes_back(events: list[dict[str, Any]]) -> None:
    sequences = [event["sequence"] for event in events]
    assert sequences == sorted(set(sequences)), sequences
    progress = [event["progress"] for event in events]
    assert progress == sorted(progress), progress


def resumed_progress(
    events: list[dict[str, Any]], at_loss: dict[str, Any]
) -> list[dict[str, Any]]:
    """What the next worker reported between the loss and the end."""
    return [e for e in events[:-1] if e["sequence"] > at_loss["sequence"]]


async def wait_for_completion(stack: Stack, log: ProgressLog) -> dict[str, Any]:
    final = await log.until(lambda e: e["stage"] in TERMINAL_STAGES, IMPORT_SECONDS)
    assert final["stage"] == "COMPLETED", final
    assert final["progress"] == 100.0
    # The row agrees: nothing is left running at a percentage.
    status = await stack.import_status(str(final["artist_id"]))
    assert status is not None
    assert (status["stage"], status["sequence"]) == ("COMPLETED", final["sequence"])
    assert status["finishedAt"] is not None
    return final


async def assert_rows_match_the_truth(
    stack: Stack, artist_id: str, truth: dict[str, Any]
) -> dict[str, int]:
    counts = await row_counts(stack, artist_id)
    assert {name: counts[name] for name in TRUTH_OF} == {
        name: truth[truth_name] for name, truth_name in TRUTH_OF.items()
    }
    assert await empty_setlists(stack, artist_id) == truth["empty_setlists"]
    return counts


async def test_an_import_survives_a_killed_worker_with_every_row(
    stack: Stack,
) -> None:
    truth, artist_id = await queued_import(stack, "The Sudden Stop")
    async with progress_log(stack, artist_id) as log:
        doomed = stack.start_worker()
        at_kill = await log.until(mid_setlists, IMPORT_SECONDS)
        assert await stack.kill(doomed) == -signal.SIGKILL
        stack.start_worker()
        await wait_for_completion(stack, log)
        events = list(log.events)

    assert_never_goes_back(events)
    assert resumed_progress(events, at_kill)
    after_crash = await assert_rows_match_the_truth(stack, artist_id, truth)

    # An undisturbed run of the same artist finds nothing missing: every
    # count, tracks and setlist entries included, stays as it is.
    await stack.import_artist(ticketmasterId=truth["ticketmaster_id"])
    again = await stack.wait_for_import(artist_id)
    assert again["stage"] == "COMPLETED", again
    assert await row_counts(stack, artist_id) == after_crash


async def test_a_stopped_worker_hands_its_import_to_another(stack: Stack) -> None:
    truth, artist_id = await queued_import(stack, "The Early Night")
    async with progress_log(stack, artist_id) as log:
        stopping = stack.start_worker()
        at_stop = await log.until(mid_setlists, IMPORT_SECONDS)
        successor = stack.start_worker()
        stopping.send(signal.SIGTERM)
        # A second or two over the grace period for the interpreter's exit.
        exit_code = await stopping.wait(SHUTDOWN_GRACE_SECONDS + 2)
        await wait_for_completion(stack, log)
        events = list(log.events)

    assert exit_code == 0, stopping.tail()
    assert "import handed back" in stopping.output()
    assert "Traceback" not in stopping.output()
    assert f"import_id={at_stop['import_id']}" in successor.output()
    assert_never_goes_back(events)
    assert resumed_progress(events, at_stop)
    await assert_rows_match_the_truth(stack, artist_id, truth)
