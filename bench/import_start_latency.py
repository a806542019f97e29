"""How long starting an import of an already known artist takes: call and mutation."""

# An artist already in the database needs no upstream call to start: the
# start is a few statements and an enqueue. This measures it two ways, each
# over --runs starts (after a warm-up), cancelling each import before the
# next so that every start makes a new one:
#
# - `jobs.start.start_import` called in this process;
# - the `importArtist` mutation over HTTP against `encore serve` in a child
#   process (one keep-alive connection, one request at a time).
#
# No worker runs: the queued job of each import is aborted by the cancel.
# The upstream base URLs point at a sandbox in this process, whose counts
# prove that no start asked any upstream service.
#
# Run from the repository root with Postgres and Redis up (it uses its own
# database and Redis database 14; run one benchmark at a time):
#
#     .venv/bin/python bench/import_start_latency.py [--runs 200] [--no-http]

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR.parent), str(BENCH_DIR)]

from import_wall_time import (  # noqa: E402
    BENCH_TOKEN,
    REDIS_DB,
    bench_env,
    control,
    free_port,
    fresh_database,
    fresh_redis,
    settings_from,
    spawn_encore,
    stop_process,
)

from clients.sandbox import SandboxConfig, start_sandbox  # noqa: E402
from encore.logs import configure_logging  # noqa: E402
from encore.settings import Settings  # noqa: E402
from jobs.runtime import Resources  # noqa: E402
from jobs.start import ArtistKey, cancel_import, start_import  # noqa: E402
from models.database import close_database, open_database  # noqa: E402

log = logging.getLogger("bench.import_start_latency")

DATABASE_NAME = "encore_bench_start"
TARGET_P50_MS = 20.0

IMPORT_ARTIST = """
mutation Start($input: ImportArtistInput!) {
  importArtist(input: $input) {
    alreadyRunning
    artist { id }
    importStatus { importId stage }
  }
}
"""
# What any request costs before a resolver runs: HTTP, parsing, validation.
BASELINE = "query Baseline { __typename }"
CANCEL_IMPORT = """
mutation Stop($artistId: ID!) { cancelImport(artistId: $artistId) { stage } }
"""


@dataclass
class Latencies:
    label: str
    millis: list[float]

    def percentile(self, share: float) -> float:
        ordered = sorted(self.millis)
        # Nearest rank: the smallest value with at least ``share`` at or below.
        rank = max(1, math.ceil(len(ordered) * share))
        return ordered[rank - 1]

    def row(self) -> str:
        return (
            f"{self.label:<34}{len(self.millis):>6}"
            f"{self.percentile(0.5):>9.2f}{self.percentile(0.9):>9.2f}"
            f"{self.percentile(0.99):>9.2f}{max(self.millis):>9.2f}"
            f"{statistics.fmean(self.millis):>9.2f}"
        )


async def timed_runs(
    runs: int,
    warmup: int,
    start: Callable[[], Awaitable[None]],
    finish: Callable[[], Awaitable[None]],
) -> list[float]:
    """Milliseconds of each ``start`` (warm-up runs left out); ``finish`` untimed."""
    millis = []
    for number in range(warmup + runs):
        began = time.perf_counter()
        await start()
        elapsed = (time.perf_counter() - began) * 1000
        await finish()
        if number >= warmup:
            millis.append(elapsed)
    return millis


async def in_process(
    resources: Resources, key: ArtistKey, runs: int, warmup: int
) -> Latencies:
    artist_ids: list[int] = []

    async def start() -> None:
        started = await start_import(key, resources)
        if started.already_running:
            raise SystemExit("an import was still running: the cancel did not end it")
        artist_ids.append(started.artist.id)

    async def finish() -> None:
        await cancel_import(artist_ids[-1], resources)

    millis = await timed_runs(runs, warmup, start, finish)
    return Latencies("start_import (in process)", millis)


async def graphql(
    session: aiohttp.ClientSession, url: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {BENCH_TOKEN}"}
    body = {"query": query, "variables": variables}
    async with session.post(url, json=body, headers=headers) as response:
        payload: dict[str, Any] = await response.json()
    if payload.get("errors"):
        raise SystemExit(f"the mutation failed: {payload['errors']}")
    data: dict[str, Any] = payload["data"]
    return data


async def over_http(
    url: str, ticketmaster_id: str, runs: int, warmup: int
) -> list[Latencies]:
    artist_ids: list[str] = []
    variables = {"input": {"ticketmasterId": ticketmaster_id}}
    # One connection, kept alive, as a busy client would hold it.
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def start() -> None:
            data = await graphql(session, url, IMPORT_ARTIST, variables)
            started = data["importArtist"]
            if started["alreadyRunning"]:
                raise SystemExit(
                    "an import was still running: the cancel did not end it"
                )
            artist_ids.append(started["artist"]["id"])

        async def finish() -> None:
            await graphql(session, url, CANCEL_IMPORT, {"artistId": artist_ids[-1]})

        async def baseline() -> None:
            await graphql(session, url, BASELINE, {})

        async def nothing() -> None:
            return None

        mutation = await timed_runs(runs, warmup, start, finish)
        empty = await timed_runs(runs, warmup, baseline, nothing)
    return [
        Latencies("importArtist mutation (HTTP)", mutation),
        Latencies("{ __typename } query (HTTP)", empty),
    ]


async def wait_for_server(
    url: str, process: subprocess.Popen[bytes], seconds: float = 60.0
) -> None:
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit("encore serve exited during start-up; see its log")
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)
    raise SystemExit("encore serve did not start in time; see its log")


async def measure_http(
    env: dict[str, str], ticketmaster_id: str, args: argparse.Namespace
) -> list[Latencies]:
    port = free_port()
    server_env = {**env, "MUTATION_RATE_PER_MINUTE": "1000000", "LOG_LEVEL": "WARNING"}
    log_path = Path(args.log or tempfile.mkstemp(prefix="encore-bench-serve-")[1])
    server = spawn_encore(
        ["serve", "--host", "127.0.0.1", "--port", str(port)], server_env, log_path
    )
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_for_server(base, server)
        return await over_http(
            f"{base}/graphql", ticketmaster_id, args.runs, args.warmup
        )
    finally:
        stop_process(server)


async def measure_in_process(
    settings: Settings, key: ArtistKey, args: argparse.Namespace
) -> Latencies:
    await open_database(settings.database_url)
    try:
        async with Resources(settings) as resources:
            return await in_process(resources, key, args.runs, args.warmup)
    finally:
        await close_database()


async def store_artist(settings: Settings, key: ArtistKey) -> None:
    """The artist's first import, cancelled at once: the one upstream call."""
    await open_database(settings.database_url)
    try:
        async with Resources(settings) as resources:
            first = await start_import(key, resources)
            await cancel_import(first.artist.id, resources)
    finally:
        await close_database()


async def conduct(args: argparse.Namespace) -> None:
    sandbox = await start_sandbox(SandboxConfig(latency_ms=50.0), "127.0.0.1", 0)
    env = bench_env(sandbox.url, args.database, REDIS_DB)
    settings = settings_from(env)
    base = f"{sandbox.url}/_sandbox"
    try:
        async with aiohttp.ClientSession() as session:
            spec = {"name": "The Quick Starts"}
            made = await control(session, "POST", f"{base}/artists", spec)
            key = ArtistKey(ticketmaster_id=made["ticketmaster_id"])
            await fresh_database(settings.database_url)
            await fresh_redis(settings.redis_url)
            await store_artist(settings, key)
            await control(session, "POST", f"{base}/stats/reset")
            results = [await measure_in_process(settings, key, args)]
            if not args.no_http:
                results += await measure_http(env, made["ticketmaster_id"], args)
            stats = await control(session, "GET", f"{base}/stats")
    finally:
        await sandbox.close()
        await fresh_redis(settings.redis_url)
    report(results, stats["requests"])


def report(results: list[Latencies], upstream_requests: int) -> None:
    header = (
        f"{'starting an import of a known artist':<34}{'runs':>6}"
        f"{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'mean ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for latencies in results:
        print(latencies.row())
    print(
        f"\nupstream requests during the timed starts: {upstream_requests}"
        f" (expected 0); target p50 < {TARGET_P50_MS:g} ms"
        f"\nload average {os.getloadavg()[0]:.2f} (1 min, {os.cpu_count()} cores)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--database", default=DATABASE_NAME)
    parser.add_argument(
        "--no-http", action="store_true", help="only the in-process call"
    )
    parser.add_argument("--log", help="where the server's log goes (a temp file)")
    args = parser.parse_args()
    configure_logging("WARNING")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(conduct(args))


if __name__ == "__main__":
    main()
