"""Requests per second and latency of the nested artist page query under load."""

# One run: a database of the benchmark's own (dropped, migrated and seeded
# with one realistic artist: 100 shows with a setlist of 20 entries each,
# 200 songs on 10 albums), a real `encore serve` in a child process, and
# `--concurrency` clients in this process posting the query below over
# keep-alive HTTP connections on 127.0.0.1 for `--seconds`.
#
# Run from the repository root with Postgres and Redis up:
#
#     .venv/bin/python bench/graphql_queries.py [--concurrency 32] [--seconds 15]
#         [--shows 100] [--entries 20]

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from models.database import close_database, migrate, open_database  # noqa: E402
from tests.resolvers.seed import seed_artist  # noqa: E402

POSTGRES_BASE = os.environ.get(
    "ENCORE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"
)
REDIS_BASE = os.environ.get("ENCORE_BENCH_REDIS", "redis://127.0.0.1:6379")
DATABASE_NAME = "encore_bench_graphql"
REDIS_DB = 12

ARTIST_PAGE = """query($id: ID!, $first: Int!) {
  artist(id: $id) {
    name
    shows(first: $first) {
      totalCount
      edges { node {
        date status
        venue { name city }
        setlist { tour sets { name encore entries {
          position title isTape
          song { title }
        } } }
      } }
    }
  }
}"""


def bench_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": f"{REDIS_BASE}/{REDIS_DB}",
        "LOG_LEVEL": "WARNING",
    }


async def fresh_database(name: str) -> str:
    """The URL of database ``name``, dropped and migrated afresh."""
    admin = await asyncpg.connect(f"{POSTGRES_BASE}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
    database_url = f"{POSTGRES_BASE}/{name}"
    await migrate(database_url)
    return database_url


async def prepare_database(shows: int, entries: int) -> tuple[str, int]:
    """A fresh database with one seeded artist; its URL and the artist's id."""
    database_url = await fresh_database(DATABASE_NAME)
    await open_database(database_url)
    try:
        # Half the shows behind us, half ahead: both kinds of dates are read.
        first = dt.date.today() - dt.timedelta(days=7 * shows // 2)
        seeded = await seed_artist(
            "The Benchmarks",
            shows=shows,
            entries=entries,
            songs=200,
            albums=10,
            first_date=first,
            days_apart=7,
        )
    finally:
        await close_database()
    return database_url, seeded.artist_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_server(
    database_url: str, port: int, workers: int = 1
) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "encore.cli", "serve", "--port", str(port),
        "--workers", str(workers),
        env=bench_env(database_url),
        cwd=REPO_ROOT,
    )  # fmt: skip
    async with aiohttp.ClientSession() as session, asyncio.timeout(30):
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return process
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)


async def stop_server(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)


class Load:
    """Clients that post the query back to back until the deadline."""

    def __init__(self, url: str, body: dict[str, Any]) -> None:
        self.url = url
        self.body = body
        self.latencies: list[float] = []
        self.response_bytes = 0
        self.failures = 0

    async def client(self, session: aiohttp.ClientSession, deadline: float) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            async with session.post(self.url, json=self.body) as response:
                raw = await response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200 or b'"errors"' in raw:
                self.failures += 1
                continue
            self.latencies.append(elapsed)
            self.response_bytes = len(raw)

    async def run(self, concurrency: int, seconds: float) -> float:
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:
            started = time.perf_counter()
            deadline = started + seconds
            await asyncio.gather(
                *(self.client(session, deadline) for _ in range(concurrency))
            )
            return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main(args: argparse.Namespace) -> int:
    database_url, artist_id = await prepare_database(args.shows, args.entries)
    port = free_port()
    server = await start_server(database_url, port, args.workers)
    body = {
        "query": ARTIST_PAGE,
        "variables": {"id": str(artist_id), "first": args.shows},
    }
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        await Load(url, body).run(concurrency=4, seconds=2)
        load = Load(url, body)
        elapsed = await load.run(args.concurrency, args.seconds)
    finally:
        await stop_server(server)
    if not load.latencies:
        print("no request succeeded", file=sys.stderr)
        return 1
    ms = [s * 1000 for s in load.latencies]
    shape = f"{args.shows} shows -> setlist -> {args.entries} entries -> song"
    print(f"query: artist -> {shape}")
    print(f"response: {load.response_bytes / 1024:.0f} KiB")
    print(f"concurrency {args.concurrency}, {elapsed:.1f} s, {len(ms)} requests, "
          f"{load.failures} failed")  # fmt: skip
    print(f"throughput: {len(ms) / elapsed:.1f} requests/s")
    print(
        f"latency ms: p50 {statistics.median(ms):.1f}  p90 {percentile(ms, 0.9):.1f}  "
        f"p99 {percentile(ms, 0.99):.1f}  max {max(ms):.1f}"
    )
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    return 0 if load.failures == 0 else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--shows", type=int, default=100)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="encore serve --workers")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
