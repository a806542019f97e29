"""How close a large import comes to the floor the upstream rate limits set."""

# One run: a sandbox in this process (real rate limits, 50 ms latency) serving
# a generated artist, a real `encore worker` in a child process, a database of
# the benchmark's own (dropped and migrated afresh) and Redis database 14
# (flushed). The import is started with `jobs.start.start_import`, exactly as
# the mutation starts it, and timed until it reaches a terminal stage.
#
# Run from the repository root with Postgres and Redis up:
#
#     .venv/bin/python bench/import_wall_time.py [--key ticketmaster]
#         [--albums 300 --tracks 3000 --setlists 1000 --events 400]
#
# The floor: each service needs a known least number of requests for this
# artist (see `least_requests`); at its allowed rate those take requests /
# rate seconds; the services are read in parallel, so the import can end no
# sooner than the slowest of them.

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import redis.asyncio as aioredis

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from clients.sandbox import RunningSandbox, SandboxConfig, start_sandbox  # noqa: E402
from encore.logs import configure_logging  # noqa: E402
from encore.settings import Settings  # noqa: E402
from jobs.progress import ImportSnapshot, channel_for, read_snapshot  # noqa: E402
from jobs.runtime import Resources, make_queue  # noqa: E402
from jobs.start import ArtistKey, start_import  # noqa: E402
from models.database import close_database, migrate, open_database  # noqa: E402

log = logging.getLogger("bench.import_wall_time")

POSTGRES_BASE = os.environ.get(
    "ENCORE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"
)
REDIS_BASE = os.environ.get("ENCORE_BENCH_REDIS", "redis://127.0.0.1:6379")
DATABASE_NAME = "encore_bench"
REDIS_DB = 14
BENCH_TOKEN = "bench-token"

# What the clients ask for per request, from the services' documentation.
SETLISTS_PER_PAGE = 20
ALBUMS_PER_BATCH = 20
TRACKS_EMBEDDED_IN_ALBUM = 50
TRACKS_PER_PAGE = 50
TICKETMASTER_PAGING_DEPTH = 1000
PACED_SERVICES = ("spotify", "ticketmaster", "setlistfm")
KEY_KINDS = ("ticketmaster", "spotify", "mbid", "name")


# --- the processes and stores a run uses ----------------------------------------


def bench_env(
    sandbox_url: str, database: str, redis_db: int, **extra: str
) -> dict[str, str]:
    """The environment every Encore process of the run shares."""
    return {
        "DATABASE_URL": f"{POSTGRES_BASE}/{database}",
        "REDIS_URL": f"{REDIS_BASE}/{redis_db}",
        "SPOTIFY_API_URL": f"{sandbox_url}/v1",
        "SPOTIFY_ACCOUNTS_URL": f"{sandbox_url}/api/token",
        "TICKETMASTER_API_URL": f"{sandbox_url}/discovery/v2",
        "SETLISTFM_API_URL": f"{sandbox_url}/rest/1.0",
        "API_TOKENS": BENCH_TOKEN,
        **extra,
    }


def settings_from(env: Mapping[str, str]) -> Settings:
    """The settings a child process given ``env`` reads, for this process."""
    values: dict[str, Any] = {name.lower(): value for name, value in env.items()}
    return Settings(**values)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def fresh_database(database_url: str) -> None:
    """Drop the benchmark's database if it exists, then create and migrate it."""
    name = database_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(f"{POSTGRES_BASE}/postgres")
    try:
        quoted = '"' + name.replace('"', '""') + '"'
        await admin.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    finally:
        await admin.close()
    await migrate(database_url)


async def fresh_redis(redis_url: str) -> None:
    """Empty the benchmark's Redis database: queue, limiter slots, quotas."""
    redis = aioredis.Redis.from_url(redis_url)
    try:
        await redis.flushdb()
    finally:
        await redis.aclose()


def encore_command() -> list[str]:
    script = Path(sys.executable).with_name("encore")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from encore.cli import main; main()"]


def spawn_encore(
    args: list[str], env: Mapping[str, str], log_path: Path
) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as sink:
        return subprocess.Popen(
            [*encore_command(), *args],
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
            cwd=REPO_ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


def stop_process(process: subprocess.Popen[bytes], grace: float = 40.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        log.warning("killed: it did not stop in time", extra={"pid": process.pid})
        process.kill()
        process.wait(timeout=10)


async def wait_for_worker(
    settings: Settings, process: subprocess.Popen[bytes], seconds: float = 60.0
) -> None:
    """Until the worker has announced itself on the queue (start-up done)."""
    queue = make_queue(settings)
    await queue.connect()
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit("the worker exited during start-up; see its log")
            if (await queue.info())["workers"]:
                # Its job loops start right after it announces itself.
                await asyncio.sleep(0.3)
                return
            await asyncio.sleep(0.1)
        raise SystemExit("the worker did not start in time; see its log")
    finally:
        await queue.disconnect()


async def control(
    session: aiohttp.ClientSession, method: str, url: str, body: Any = None
) -> Any:
    async with session.request(method, url, json=body) as response:
        payload = await response.json()
        if response.status >= 400:
            raise SystemExit(f"sandbox {method} {url}: {response.status} {payload}")
        return payload


# --- the least requests an import of the artist needs ---------------------------


@dataclass
class Least:
    """The fewest requests per service, and how each number is made up."""

    counts: dict[str, int] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)


def identity_requests(key_kind: str) -> dict[str, int]:
    """Lookups before and during IDENTITY for each way of naming the artist.

    The attraction (by id or by name) links the Spotify id and the MBID, so
    nothing else is asked; a Spotify id or MBID leaves the attraction to be
    found by a Ticketmaster search, whose links give the remaining id.
    """
    return {
        "ticketmaster": {"ticketmaster": 1},
        "name": {"ticketmaster": 1},
        "spotify": {"spotify": 1, "ticketmaster": 1},
        "mbid": {"setlistfm": 1, "ticketmaster": 1},
    }[key_kind]


def least_requests(
    sandbox: RunningSandbox,
    truth: dict[str, Any],
    settings: Settings,
    key_kind: str,
) -> Least:
    """Counted from what the sandbox serves for the artist."""
    least = Least()
    identity = identity_requests(key_kind)
    catalog = sandbox.state.store.spotify
    listing = [
        album
        for album in catalog.artist_albums.get(truth["spotify_id"], [])
        if (album.get("album_group") or album["album_type"]) in ("album", "single")
    ]
    page_size = settings.spotify_albums_page_size
    album_pages = max(1, math.ceil(len(listing) / page_size))
    batches = math.ceil(len(listing) / ALBUMS_PER_BATCH)
    more_tracks = sum(
        math.ceil(
            max(0, len(catalog.album_tracks[a["id"]]) - TRACKS_EMBEDDED_IN_ALBUM)
            / TRACKS_PER_PAGE
        )
        for a in listing
    )
    least.counts["spotify"] = (
        album_pages + batches + more_tracks + identity.get("spotify", 0)
    )
    least.how["spotify"] = (
        f"ceil({len(listing)} albums+singles / {page_size}) = {album_pages} pages"
        f" + ceil({len(listing)} / {ALBUMS_PER_BATCH}) = {batches} album batches"
        f" + {more_tracks} track pages beyond the {TRACKS_EMBEDDED_IN_ALBUM} a"
        f" batch embeds + {identity.get('spotify', 0)} identity"
    )
    least.counts["spotify_accounts"] = 1
    least.how["spotify_accounts"] = "1 token (the sandbox does not limit it)"

    events = truth["events"]
    size = settings.ticketmaster_page_size
    if events > TICKETMASTER_PAGING_DEPTH - TICKETMASTER_PAGING_DEPTH % size:
        raise SystemExit("more events than one listing reaches: not modelled here")
    event_pages = max(1, math.ceil(events / size))
    least.counts["ticketmaster"] = event_pages + identity.get("ticketmaster", 0)
    least.how["ticketmaster"] = (
        f"ceil({events} events / {size}) = {event_pages} pages"
        f" + {identity.get('ticketmaster', 0)} identity"
    )

    setlists = truth["setlists"]
    setlist_pages = max(1, math.ceil(setlists / SETLISTS_PER_PAGE))
    least.counts["setlistfm"] = setlist_pages + identity.get("setlistfm", 0)
    least.how["setlistfm"] = (
        f"ceil({setlists} setlists / {SETLISTS_PER_PAGE}) = {setlist_pages} pages"
        f" + {identity.get('setlistfm', 0)} identity"
    )
    return least


# --- one import, timed ----------------------------------------------------------


@dataclass
class Timed:
    snapshot: ImportSnapshot
    wall: float  # start_import called -> terminal event received
    start_call: float  # how long start_import itself took
    started_on_sandbox_clock: float


async def run_import(
    sandbox: RunningSandbox,
    settings: Settings,
    key: ArtistKey,
    most_seconds: float,
) -> Timed:
    """Start the import as the mutation does; wait for its terminal event."""
    async with Resources(settings) as resources:
        pubsub = resources.redis.pubsub()
        try:
            on_sandbox = sandbox.state.now()
            began = time.perf_counter()
            started = await start_import(key, resources)
            start_call = time.perf_counter() - began
            await pubsub.subscribe(channel_for(started.artist.id))
            import_id = started.snapshot.import_id
            try:
                async with asyncio.timeout(most_seconds):
                    snapshot = await wait_for_end(pubsub, import_id)
            except TimeoutError:
                raise SystemExit(f"import {import_id} did not finish in time") from None
            wall = time.perf_counter() - began
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
    return Timed(snapshot, wall, start_call, on_sandbox)


async def wait_for_end(pubsub: Any, import_id: int) -> ImportSnapshot:
    """The import's terminal state, as soon as an event announces it.

    Pub/sub channels are shared by every Redis database, so an event is only
    a hint: the import row in our own database confirms it. The row is also
    read every second in case an event was lost.
    """
    polled = time.perf_counter()
    while True:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
        hinted = False
        if message is not None:
            event = ImportSnapshot.from_json(message["data"])
            hinted = event.import_id == import_id and event.is_terminal
        if hinted or time.perf_counter() - polled > 1.0:
            polled = time.perf_counter()
            snapshot = await read_snapshot(import_id)
            if snapshot.is_terminal:
                return snapshot


# --- the report -----------------------------------------------------------------


def refusals(stats: dict[str, Any], t0: float) -> list[str]:
    """Each 429 the sandbox sent: when (seconds after the start) and where."""
    found = []
    for service, counted in stats["services"].items():
        for arrival in counted.get("arrivals", []):
            if arrival["status"] == 429:
                at = arrival["at"] - t0
                found.append(f"{at:7.2f} s  {service} {arrival['endpoint']}")
    return sorted(found)


@dataclass
class ServiceRow:
    service: str
    requests: int
    least: int
    refused: int
    rate: float | None
    floor: float | None
    first_at: float | None
    last_at: float | None

    @property
    def achieved_rate(self) -> float | None:
        if self.first_at is None or self.last_at is None or self.requests < 2:
            return None
        span = self.last_at - self.first_at
        return (self.requests - 1) / span if span > 0 else None


def service_rows(
    stats: dict[str, Any], least: Least, rates: dict[str, float], t0: float
) -> list[ServiceRow]:
    rows = []
    for service in ("spotify", "spotify_accounts", "ticketmaster", "setlistfm"):
        counted = stats["services"].get(service, {})
        times = [a["at"] - t0 for a in counted.get("arrivals", [])]
        rate = rates.get(service) if service in PACED_SERVICES else None
        minimum = least.counts.get(service, 0)
        rows.append(
            ServiceRow(
                service=service,
                requests=counted.get("requests", 0),
                least=minimum,
                refused=counted.get("rate_limited", 0),
                rate=rate,
                floor=minimum / rate if rate else None,
                first_at=min(times, default=None),
                last_at=max(times, default=None),
            )
        )
    return rows


def _cell(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_services(
    rows: list[ServiceRow], least: Least, args: argparse.Namespace
) -> None:
    print(
        f"\nimport of a generated artist: {args.albums} releases, {args.tracks} "
        f"tracks, {args.setlists} setlists, {args.events} events; started by "
        f"{args.key}; sandbox latency {args.latency_ms:g} ms, real rate limits"
    )
    header = (
        f"{'service':<17}{'requests':>9}{'least':>7}{'extra':>7}{'429s':>6}"
        f"{'limit/s':>9}{'floor s':>9}{'first s':>9}{'last s':>9}{'got/s':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.service:<17}{r.requests:>9}{r.least:>7}{r.requests - r.least:>7}"
            f"{r.refused:>6}{_cell(r.rate, 'g'):>9}{_cell(r.floor, '.2f'):>9}"
            f"{_cell(r.first_at, '.2f'):>9}{_cell(r.last_at, '.2f'):>9}"
            f"{_cell(r.achieved_rate, '.2f'):>8}"
        )
    print("\nleast requests, counted as:")
    for service, how in least.how.items():
        print(f"  {service:<17}{how}")


def print_summary(
    timed: Timed, rows: list[ServiceRow], sql_seconds: float, safety: float
) -> dict[str, Any]:
    """The figures against their targets; returns them for ``--json``."""
    bound = max((r for r in rows if r.floor is not None), key=lambda r: r.floor or 0)
    floor = bound.floor or 0.0
    # The client spaces requests at rate * safety, never at the rate itself.
    paced = (bound.least - 1) / ((bound.rate or 1.0) * safety)
    snapshot = timed.snapshot
    database = snapshot.phase_seconds.get("database", 0.0)
    extra = sum(r.requests - r.least for r in rows)
    refused = sum(r.refused for r in rows)
    last = max((r.last_at for r in rows if r.last_at is not None), default=0.0)
    print(
        f"\nstage             {snapshot.stage}"
        f"\nwall time         {timed.wall:.2f} s (start_import -> terminal stage;"
        f" start_import itself {timed.start_call * 1000:.0f} ms)"
        f"\nfloor             {floor:.2f} s ({bound.service})"
        f"\nwall / floor      {timed.wall / floor:.3f}   (target <= 1.15)"
        f"\npaced floor       {paced:.2f} s = {paced / floor:.3f} x floor: "
        f"{bound.least} requests spaced at {safety:g} x the limit (the client's"
        " rate safety), before any other cost"
        f"\nextra requests    {extra}   (target 0)"
        f"\n429s received     {refused}   (target 0)"
        f"\ndatabase          {database:.2f} s = {database / timed.wall:.1%} of the"
        " wall time   (target < 5%; the importer's own figure)"
        f"\nSQL in Postgres   {sql_seconds:.2f} s = {sql_seconds / timed.wall:.1%}"
        " of the wall time (active_time of the benchmark's database)"
        f"\nphase seconds     {json.dumps(snapshot.phase_seconds)}"
        f"\ncounts            {json.dumps(snapshot.counts)}"
        f"\nlast request at   {last:.2f} s; the end {timed.wall - last:.2f} s later"
    )
    if snapshot.warnings:
        print(f"warnings          {list(snapshot.warnings)}")
    # Other work on the machine shows up in every figure above.
    print(f"load average      {os.getloadavg()[0]:.2f} (1 min, {os.cpu_count()} cores)")
    return {
        "stage": str(snapshot.stage),
        "wall": timed.wall,
        "floor": floor,
        "ratio": timed.wall / floor,
        "database_share": database / timed.wall,
        "sql_seconds": sql_seconds,
        "requests": {r.service: r.requests for r in rows},
        "least": {r.service: r.least for r in rows},
        "rate_limited": refused,
    }


# --- the conductor --------------------------------------------------------------


def artist_key(kind: str, truth: dict[str, Any]) -> ArtistKey:
    if kind == "ticketmaster":
        return ArtistKey(ticketmaster_id=truth["ticketmaster_id"])
    if kind == "spotify":
        return ArtistKey(spotify_id=truth["spotify_id"])
    if kind == "mbid":
        return ArtistKey(mbid=truth["musicbrainz_id"])
    return ArtistKey(name=truth["name"])


async def sql_active_seconds(database_url: str) -> float:
    """Seconds Postgres spent running statements in the database, all sessions.

    A session adds its share when it ends (or goes idle), so read this after
    the sessions of interest have closed.
    """
    name = database_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(f"{POSTGRES_BASE}/postgres")
    try:
        millis = await admin.fetchval(
            "SELECT active_time FROM pg_stat_database WHERE datname = $1", name
        )
    finally:
        await admin.close()
    return float(millis or 0.0) / 1000


async def generate_artist(
    session: aiohttp.ClientSession, base: str, args: argparse.Namespace
) -> dict[str, Any]:
    spec = {
        "name": args.name,
        "albums": args.albums,
        "tracks": args.tracks,
        "setlists": args.setlists,
        "events": args.events,
    }
    made = await control(session, "POST", f"{base}/artists", spec)
    truth: dict[str, Any] = await control(
        session, "GET", f"{base}/artists/{made['slug']}"
    )
    return truth


@dataclass
class Measured:
    timed: Timed
    stats: dict[str, Any]
    rates: dict[str, float]
    sql_seconds: float


async def measure(
    sandbox: RunningSandbox,
    session: aiohttp.ClientSession,
    env: dict[str, str],
    key: ArtistKey,
    args: argparse.Namespace,
) -> Measured:
    """One import on a fresh database, Redis and worker; the worker is stopped
    before returning so that Postgres has counted all of its statements."""
    settings = settings_from(env)
    base = f"{sandbox.url}/_sandbox"
    await fresh_database(settings.database_url)
    await fresh_redis(settings.redis_url)
    worker = spawn_encore(["worker"], env, Path(args.log))
    try:
        await wait_for_worker(settings, worker)
        await control(session, "POST", f"{base}/stats/reset")
        sql_before = await sql_active_seconds(settings.database_url)
        await open_database(settings.database_url)
        try:
            timed = await run_import(sandbox, settings, key, args.timeout)
        finally:
            await close_database()
    finally:
        stop_process(worker)
    sql_seconds = await sql_active_seconds(settings.database_url) - sql_before
    stats = await control(session, "GET", f"{base}/stats?arrivals=1")
    behaviour = await control(session, "GET", f"{base}/settings")
    return Measured(timed, stats, behaviour["rates"], sql_seconds)


async def conduct(args: argparse.Namespace) -> dict[str, Any]:
    config = SandboxConfig(rate_limits=True, latency_ms=args.latency_ms)
    sandbox = await start_sandbox(config, "127.0.0.1", 0)
    extra = {"LOG_LEVEL": args.worker_log}
    if args.asyncio_debug:
        # The worker then logs every step that held its event loop > 100 ms.
        extra["PYTHONASYNCIODEBUG"] = "1"
    env = bench_env(sandbox.url, args.database, REDIS_DB, **extra)
    settings = settings_from(env)
    args.log = args.log or tempfile.mkstemp(prefix="encore-bench-worker-")[1]
    try:
        async with aiohttp.ClientSession() as session:
            truth = await generate_artist(session, f"{sandbox.url}/_sandbox", args)
            key = artist_key(args.key, truth)
            measured = await measure(sandbox, session, env, key, args)
        least = least_requests(sandbox, truth, settings, args.key)
        timed = measured.timed
        rows = service_rows(
            measured.stats, least, measured.rates, timed.started_on_sandbox_clock
        )
        print_services(rows, least, args)
        safety = settings.upstream_rate_safety
        result = print_summary(timed, rows, measured.sql_seconds, safety)
        for refusal in refusals(measured.stats, timed.started_on_sandbox_clock):
            print(f"429 at            {refusal}")
        print(f"worker log        {args.log}")
        return result
    finally:
        await sandbox.close()
        if not args.keep:
            await fresh_redis(settings.redis_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", default="The Benchmark Parade")
    parser.add_argument("--albums", type=int, default=300)
    parser.add_argument("--tracks", type=int, default=3000)
    parser.add_argument("--setlists", type=int, default=1000)
    parser.add_argument("--events", type=int, default=400)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument(
        "--key", choices=KEY_KINDS, default="ticketmaster", help="how it is named"
    )
    parser.add_argument("--database", default=DATABASE_NAME)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument(
        "--worker-log",
        default="INFO",
        help="the worker's LOG_LEVEL (DEBUG logs every upstream request)",
    )
    parser.add_argument(
        "--asyncio-debug",
        action="store_true",
        help="run the worker in asyncio debug mode: its log names slow steps",
    )
    parser.add_argument("--log", help="where the worker's log goes (a temp file)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--keep", action="store_true", help="leave Redis db 14 as the run left it"
    )
    args = parser.parse_args()
    configure_logging("WARNING")
    with contextlib.suppress(KeyboardInterrupt):
        result = asyncio.run(conduct(args))
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
