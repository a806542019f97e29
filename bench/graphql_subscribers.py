"""Fan-out of one import's progress to many websocket subscribers: delay and memory."""

# One run: a database of the benchmark's own with one artist and its running
# import, a real `encore serve` in a child process, and `--subscribers`
# graphql-transport-ws clients on 127.0.0.1 spread over `--client-processes`
# child processes, all following importProgress of that artist. Once all are
# subscribed, the server's resident memory is read again; then `--events`
# snapshots are published on the artist's Redis channel, each carrying the
# time it was published, the last one COMPLETED. Each client notes when each
# event arrived; the delays are publish-to-receipt, client decoding included.
#
# Run from the repository root with Postgres and Redis up:
#
#     .venv/bin/python bench/graphql_subscribers.py [--subscribers 1000]
#         [--events 20] [--client-processes 4]

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

import redis.asyncio as aioredis
import websockets

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.graphql_queries import (  # noqa: E402
    REDIS_BASE,
    REDIS_DB,
    free_port,
    fresh_database,
    start_server,
    stop_server,
)
from jobs.progress import ImportSnapshot, publish  # noqa: E402
from models import ImportStage  # noqa: E402
from models.database import close_database, open_database  # noqa: E402
from tests.resolvers.seed import seed_artist, seed_import  # noqa: E402

DATABASE_NAME = "encore_bench_graphql_subscribers"
# Progress channels are named by the artist's id: one no test is likely to use.
ARTIST_ID = 1_900_000_001

PROGRESS = """subscription($artistId: ID!) {
  importProgress(artistId: $artistId) { stage sequence message }
}"""


async def prepare_database() -> tuple[str, ImportSnapshot]:
    database_url = await fresh_database(DATABASE_NAME)
    await open_database(database_url)
    try:
        await seed_artist(
            "The Followed", shows=0, songs=0, albums=0, artist_id=ARTIST_ID
        )
        row = await seed_import(ARTIST_ID, ImportStage.QUEUED)
        snapshot = ImportSnapshot.from_row(row)
    finally:
        await close_database()
    return database_url, snapshot


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


# --- one client process: many subscriptions ---------------------------------------


async def follow(url: str, delays: list[float], received: list[int]) -> None:
    """One subscriber: subscribe, then note each event's delay until complete."""
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        payload = {"query": PROGRESS, "variables": {"artistId": str(ARTIST_ID)}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        first = json.loads(await ws.recv())
        assert first["type"] == "next", first
        received.append(0)
        index = len(received) - 1
        async for raw in ws:
            arrived = time.time_ns()
            message = json.loads(raw)
            if message["type"] == "complete":
                return
            progress = message["payload"]["data"]["importProgress"]
            delays.append((arrived - int(progress["message"])) / 1e6)
            received[index] += 1


async def run_clients(url: str, count: int) -> None:
    delays: list[float] = []
    received: list[int] = []
    tasks = []
    for start in range(0, count, 50):
        batch = [
            asyncio.create_task(follow(url, delays, received))
            for _ in range(start, min(count, start + 50))
        ]
        tasks.extend(batch)
        # Subscribed in batches, so the server is not asked for a thousand
        # handshakes at once.
        while len(received) < len(tasks):  # noqa: ASYNC110 - counted by other tasks
            await asyncio.sleep(0.01)
    print("ready", flush=True)
    await asyncio.wait_for(asyncio.gather(*tasks), 120)
    print(json.dumps({"delays": delays, "received": received}), flush=True)


# --- the coordinator -----------------------------------------------------------------


async def start_clients(
    url: str, subscribers: int, processes: int
) -> list[asyncio.subprocess.Process]:
    share = [
        subscribers // processes + (i < subscribers % processes)
        for i in range(processes)
    ]
    command = [sys.executable, __file__, "--url", url, "--client"]
    clients = [
        await asyncio.create_subprocess_exec(
            *command, str(n), stdout=asyncio.subprocess.PIPE
        )
        for n in share
    ]
    for client in clients:
        assert client.stdout is not None
        line = await asyncio.wait_for(client.stdout.readline(), 120)
        assert line.strip() == b"ready", line
    return clients


async def publish_events(snapshot: ImportSnapshot, events: int, spacing: float) -> None:
    redis = aioredis.Redis.from_url(f"{REDIS_BASE}/{REDIS_DB}")
    try:
        for sequence in range(1, events + 1):
            stage = (
                ImportStage.COMPLETED if sequence == events else ImportStage.SETLISTS
            )
            event = ImportSnapshot(
                import_id=snapshot.import_id,
                artist_id=snapshot.artist_id,
                stage=stage,
                progress=min(100.0, 70.0 + sequence),
                message=str(time.time_ns()),
                sequence=sequence,
            )
            await publish(redis, event)
            await asyncio.sleep(spacing)
    finally:
        await redis.aclose()


async def collect(
    clients: list[asyncio.subprocess.Process],
) -> tuple[list[float], list[int]]:
    delays: list[float] = []
    received: list[int] = []
    for client in clients:
        out, _ = await asyncio.wait_for(client.communicate(), 120)
        result = json.loads(out.decode().strip().splitlines()[-1])
        delays.extend(result["delays"])
        received.extend(result["received"])
    return delays, received


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main(args: argparse.Namespace) -> int:
    # Progress channels are named after the Redis database of the settings:
    # this process publishes where the server listens.
    os.environ["REDIS_URL"] = f"{REDIS_BASE}/{REDIS_DB}"
    database_url, snapshot = await prepare_database()
    port = free_port()
    server = await start_server(database_url, port)
    url = f"ws://127.0.0.1:{port}/graphql"
    try:
        # One subscriber first, so code paths are loaded before measuring.
        warm = await start_clients(url, 1, 1)
        await asyncio.sleep(1)
        rss_before = rss_kib(server.pid)
        clients = await start_clients(url, args.subscribers, args.client_processes)
        await asyncio.sleep(2)
        rss_after = rss_kib(server.pid)
        await publish_events(snapshot, args.events, args.spacing)
        delays, received = await collect([*warm, *clients])
    finally:
        await stop_server(server)
    per_subscriber = (rss_after - rss_before) / args.subscribers
    spread = f"over {args.client_processes} client processes"
    print(f"subscribers: {args.subscribers} (+1 warm-up) {spread}")
    print(f"events: {args.events}, {args.spacing * 1000:.0f} ms apart, last COMPLETED")
    before, after = rss_before / 1024, rss_after / 1024
    print(f"server RSS: {before:.1f} MiB before, {after:.1f} MiB after")
    print(f"memory per subscriber: {per_subscriber:.1f} KiB")
    print(f"events received: {len(delays)} of {args.events * len(received)}")
    print(f"every stream completed: {len(received) == args.subscribers + 1}")
    print(
        f"publish-to-receipt ms: p50 {statistics.median(delays):.1f}  "
        f"p99 {percentile(delays, 0.99):.1f}  max {max(delays):.1f}"
    )
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--spacing", type=float, default=0.2)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--client", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.client is not None:
        asyncio.run(run_clients(arguments.url, arguments.client))
        sys.exit(0)
    sys.exit(asyncio.run(main(arguments)))
