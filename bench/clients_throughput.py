"""How fast the upstream clients go against the sandbox, unlimited and limited."""

# Starts a sandbox in a child process, then measures for each service:
# - the requests per second one client process sustains with every limit off
#   (the sandbox's and the client's), many callers at once;
# - the rate the sandbox counts when 1 and 4 client processes share the
#   service's real limit through Redis, with its 429s and busiest second.
#
# Run from the repository root with Redis up (REDIS_URL; the benchmark uses
# fresh credentials and deletes its rate-limit keys afterwards):
#
#     .venv/bin/python bench/clients_throughput.py [--seconds 5] [--callers 16]

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from pydantic import SecretStr

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from clients.ratelimit import KEY_PREFIX, credential_fingerprint  # noqa: E402
from clients.sandbox.builtins import DEMO  # noqa: E402
from clients.setlistfm import SetlistFmClient  # noqa: E402
from clients.spotify import SpotifyClient  # noqa: E402
from clients.ticketmaster import TicketmasterClient  # noqa: E402
from encore.settings import Settings, get_settings  # noqa: E402

SERVICES = ("spotify", "ticketmaster", "setlistfm")
UNLIMITED = 1_000_000.0


# --- a worker process: one client, many callers, a fixed window --------------


def worker_settings(url: str, key: str, unlimited: bool) -> Settings:
    settings = get_settings()
    update: dict[str, Any] = {
        "spotify_api_url": f"{url}/v1",
        "spotify_accounts_url": f"{url}/api/token",
        "ticketmaster_api_url": f"{url}/discovery/v2",
        "setlistfm_api_url": f"{url}/rest/1.0",
        "spotify_client_id": SecretStr(key),
        "spotify_client_secret": SecretStr("bench-secret"),
        "ticketmaster_api_key": SecretStr(key),
        "setlistfm_api_key": SecretStr(key),
    }
    if unlimited:
        for service in SERVICES:
            update[f"{service}_rate_per_second"] = UNLIMITED
        update["ticketmaster_daily_quota"] = 10**9
        update["setlistfm_daily_quota"] = 10**9
    return settings.model_copy(update=update)


def one_call(service: str, client: Any) -> Callable[[], Awaitable[object]]:
    if service == "spotify":
        return lambda: client.get_artist(DEMO.spotify_id)
    if service == "ticketmaster":
        return lambda: client.get_attraction(DEMO.ticketmaster_id)
    return lambda: client.get_artist(DEMO.musicbrainz_id)


async def run_worker(args: argparse.Namespace) -> None:
    settings = worker_settings(args.url, args.key, args.unlimited)
    redis = aioredis.Redis.from_url(settings.redis_url)
    kinds = {
        "spotify": SpotifyClient,
        "ticketmaster": TicketmasterClient,
        "setlistfm": SetlistFmClient,
    }
    done = errors = 0
    async with kinds[args.worker](settings, redis) as client:
        call = one_call(args.worker, client)
        await call()  # a token, a connection: not part of the measurement
        await asyncio.sleep(max(0.0, args.start_at - time.time()))
        started = time.monotonic()

        async def caller() -> None:
            nonlocal done, errors
            while True:
                try:
                    await call()
                    done += 1
                except Exception:
                    errors += 1

        # Callers still queued for a slot at the end are cancelled, so every
        # process stops on time; their unused slots only lower the rate.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.seconds):
                await asyncio.gather(*(caller() for _ in range(args.callers)))
        elapsed = time.monotonic() - started
    await redis.aclose()
    print(json.dumps({"done": done, "errors": errors, "elapsed": elapsed}))


# --- the conductor -------------------------------------------------------------


@dataclass
class Row:
    service: str
    mode: str
    processes: int
    requests: int
    per_second: float
    busiest_second: int
    refused: int
    errors: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sandbox(port: int) -> subprocess.Popen[bytes]:
    code = (
        "import logging; logging.disable(logging.INFO)\n"
        "from clients.sandbox import SandboxConfig, run_sandbox\n"
        f"run_sandbox(SandboxConfig(rate_limits=False), '127.0.0.1', {port})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=REPO_ROOT)


async def wait_until_up(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(100):
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(f"{url}/_sandbox/settings") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.1)
    raise SystemExit("the sandbox did not start")


async def sandbox_call(
    session: aiohttp.ClientSession, method: str, url: str, body: Any = None
) -> Any:
    async with session.request(method, url, json=body) as response:
        return await response.json()


async def run_phase(
    session: aiohttp.ClientSession,
    url: str,
    service: str,
    processes: int,
    limited: bool,
    args: argparse.Namespace,
    keys: list[str],
) -> Row:
    await sandbox_call(
        session, "PATCH", f"{url}/_sandbox/settings", {"rate_limits": limited}
    )
    await sandbox_call(session, "POST", f"{url}/_sandbox/stats/reset")
    key = f"bench-{uuid.uuid4().hex[:12]}"
    keys.append(key)
    callers = args.callers if not limited else 2
    start_at = time.time() + 3.0
    command = [
        sys.executable, __file__, "--worker", service, "--url", url, "--key", key,
        "--seconds", str(args.seconds), "--callers", str(callers),
        "--start-at", str(start_at),
    ]  # fmt: skip
    if not limited:
        command.append("--unlimited")
    workers = [
        await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, cwd=REPO_ROOT
        )
        for _ in range(processes)
    ]
    results = [json.loads((await w.communicate())[0]) for w in workers]
    stats = await sandbox_call(session, "GET", f"{url}/_sandbox/stats?arrivals=1")
    return summarize(service, limited, processes, results, stats["services"][service])


def summarize(
    service: str,
    limited: bool,
    processes: int,
    results: list[dict[str, Any]],
    counted: dict[str, Any],
) -> Row:
    times = sorted(a["at"] for a in counted["arrivals"])
    # The warm-up call of each process arrived before the window opened.
    window = times[processes:]
    if limited and len(window) > 1:
        per_second = (len(window) - 1) / (window[-1] - window[0])
    else:
        elapsed = max(r["elapsed"] for r in results)
        per_second = sum(r["done"] for r in results) / elapsed
    return Row(
        service=service,
        mode="sandbox limit on" if limited else "limits off",
        processes=processes,
        requests=len(window),
        per_second=per_second,
        busiest_second=counted["max_in_one_second"],
        refused=counted["rate_limited"],
        errors=sum(r["errors"] for r in results),
    )


async def forget_keys(keys: list[str]) -> None:
    redis = aioredis.Redis.from_url(get_settings().redis_url)
    for key in keys:
        async for name in redis.scan_iter(
            f"{KEY_PREFIX}:*{credential_fingerprint(key)}*"
        ):
            await redis.delete(name)
    await redis.aclose()


def print_table(rows: list[Row]) -> None:
    settings = get_settings()
    limits = {
        "spotify": settings.spotify_rate_per_second,
        "ticketmaster": settings.ticketmaster_rate_per_second,
        "setlistfm": settings.setlistfm_rate_per_second,
    }
    header = (
        f"{'service':<13}{'mode':<18}{'limit/s':>8}{'procs':>6}{'requests':>10}"
        f"{'req/s':>10}{'max in 1 s':>11}{'429s':>6}{'errors':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        limit = f"{limits[row.service]:g}" if row.mode != "limits off" else "-"
        print(
            f"{row.service:<13}{row.mode:<18}{limit:>8}{row.processes:>6}"
            f"{row.requests:>10}{row.per_second:>10.1f}{row.busiest_second:>11}"
            f"{row.refused:>6}{row.errors:>7}"
        )


async def conduct(args: argparse.Namespace) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    sandbox = start_sandbox(port)
    keys: list[str] = []
    rows: list[Row] = []
    try:
        async with aiohttp.ClientSession() as session:
            await wait_until_up(session, url)
            for service in SERVICES:
                rows.append(
                    await run_phase(session, url, service, 1, False, args, keys)
                )
            for service in SERVICES:
                for processes in (1, 4):
                    rows.append(
                        await run_phase(
                            session, url, service, processes, True, args, keys
                        )
                    )
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
        await forget_keys(keys)
    print_table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--callers", type=int, default=16)
    parser.add_argument("--worker", choices=SERVICES, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--unlimited", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    asyncio.run(run_worker(args) if args.worker else conduct(args))


if __name__ == "__main__":
    main()
