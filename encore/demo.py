"""``encore demo``: everything on one machine, one artist imported live.

Migrates the database, starts the sandbox, a worker and the server as child
processes, imports an artist through the API with live progress, prints where
to explore, and serves until Ctrl-C; then stops every child cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import redis.asyncio as aioredis

from encore.import_command import run_import
from encore.settings import Settings
from models.database import DatabaseUnreachable, migrate

RECORDED_SPOTIFY_ARTIST = "3AA28KZvwAUcZuOKwyblJQ"

SAMPLE_QUERY = """{
  artist(slug: "SLUG") {
    name
    shows(when: UPCOMING, first: 3) {
      edges { node {
        date venue { name city }
        predictedSetlist { sets { entries { title } } }
      } }
    }
    songs(first: 5) { totalCount edges { node { title timesPlayed } } }
  }
}"""


class DemoError(Exception):
    """Something the person running the demo can fix; the message says how."""


@dataclass
class Children:
    """The child processes, stopped in reverse order of their start."""

    log_dir: Path
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            # -P: the current folder must not shadow Encore's own packages.
            [sys.executable, "-P", "-m", "encore.cli", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, process))

    def check(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                raise DemoError(
                    f"the {name} stopped (exit {process.returncode}); "
                    f"see {self.log_dir / (name + '.log')}"
                )

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _, process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def free_port(preferred: int, what: str) -> int:
    """``preferred`` if nothing listens there, else any free port (said so)."""
    for port in (preferred, 0):
        with socket.socket() as sock:
            # As the servers themselves bind: a port a stopped demo left in
            # TIME_WAIT is free to take.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            chosen = int(sock.getsockname()[1])
            if chosen != preferred:
                print(f"Port {preferred} is busy; the {what} uses {chosen} instead")
            return chosen
    raise DemoError("no free port on 127.0.0.1")


async def check_services(settings: Settings) -> None:
    try:
        applied = await migrate(settings.database_url)
    except DatabaseUnreachable as exc:
        raise DemoError(f"{exc}. Start Postgres or set DATABASE_URL.") from exc
    if applied:
        print(f"Database {settings.database_name}: applied {len(applied)} migration(s)")
    client = aioredis.Redis.from_url(settings.redis_url, socket_connect_timeout=3)
    try:
        await client.ping()  # type: ignore[misc]
    except (aioredis.RedisError, OSError) as exc:
        raise DemoError(
            f"cannot reach Redis at {settings.redis_url} ({exc}). "
            "Start Redis or set REDIS_URL."
        ) from exc
    finally:
        await client.aclose()


async def wait_until_up(url: str, children: Children, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.monotonic() < deadline:
            children.check()
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(url) as response:
                    if response.status < 500:
                        return
            await asyncio.sleep(0.2)
    raise DemoError(f"{url} did not come up within {seconds:.0f} s")


async def run_demo(
    settings: Settings,
    *,
    recordings: str | None,
    artist_key: dict[str, str],
    port: int,
    sandbox_port: int,
    keep_serving: bool,
) -> int:
    await check_services(settings)
    log_dir = Path(".encore/logs")
    log_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, at start
    sandbox_port = free_port(sandbox_port, "sandbox")
    port = free_port(port, "server")
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    own = sorted(settings.token_values())
    token = own[0] if own else secrets.token_urlsafe(16)
    tokens = ",".join([token, *own[1:]])
    env = {
        **os.environ,
        "API_TOKENS": tokens,
        "SPOTIFY_API_URL": f"{sandbox}/v1",
        "SPOTIFY_ACCOUNTS_URL": f"{sandbox}/api/token",
        "TICKETMASTER_API_URL": f"{sandbox}/discovery/v2",
        "SETLISTFM_API_URL": f"{sandbox}/rest/1.0",
        # A queue of its own: a worker already running elsewhere on this
        # Redis (pointed at another sandbox) must not take the demo's jobs.
        "QUEUE_NAME": f"encore-demo-{port}",
    }
    children = Children(log_dir)
    try:
        sandbox_args = ["sandbox", "--port", str(sandbox_port)]
        if recordings:
            sandbox_args += ["--recordings", recordings]
        children.start("sandbox", sandbox_args, env)
        children.start("worker", ["worker"], env)
        children.start("server", ["serve", "--port", str(port)], env)
        graphql = f"http://127.0.0.1:{port}/graphql"
        print(f"Starting the sandbox ({sandbox}), a worker and the server ({graphql})")
        await wait_until_up(f"{sandbox}/_sandbox", children)
        await wait_until_up(f"http://127.0.0.1:{port}/readyz", children)
        status = await run_import(graphql, token, artist_key, as_json=False)
        children.check()
        slug = await _artist_slug(graphql, artist_key)
        print(f"\nExplore in GraphiQL: {graphql}")
        print("Try this query:\n" + SAMPLE_QUERY.replace("SLUG", slug))
        print(
            f"\nMutations need a bearer token; this server accepts {token}"
            " (set API_TOKENS before `make demo` to choose your own). Import"
            f" another artist:\n  .venv/bin/encore import 'Pocket Satellites'"
            f" --url {graphql} --token {token}"
        )
        print(f"Logs of the child processes: {log_dir}/")
        if keep_serving and status == 0:
            print("\nServing until Ctrl-C.")
            while True:
                await asyncio.sleep(1)
                children.check()
        return status
    finally:
        children.stop()


async def _artist_slug(graphql: str, key: dict[str, str]) -> str:
    field_name, value = next(iter(key.items()))
    if field_name == "name":
        query = "query($v: String) { artists(search: $v, first: 1) "
        query += "{ edges { node { slug } } } }"
    else:
        query = f"query($v: String) {{ artist({field_name}: $v) {{ slug }} }}"
    body = {"query": query, "variables": {"v": value}}
    async with (
        aiohttp.ClientSession() as session,
        session.post(graphql, json=body) as response,
    ):
        data = (await response.json()).get("data") or {}
    if data.get("artist"):
        return str(data["artist"]["slug"])
    edges = (data.get("artists") or {}).get("edges") or []
    return str(edges[0]["node"]["slug"]) if edges else "..."


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(
    settings: Settings,
    *,
    recordings: str | None,
    artist_key: dict[str, str],
    port: int,
    sandbox_port: int,
    keep_serving: bool,
) -> int:
    # Stopped by SIGTERM or a closed terminal as by Ctrl-C: the children run
    # in sessions of their own and would otherwise outlive the demo.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    try:
        return asyncio.run(
            run_demo(
                settings,
                recordings=recordings,
                artist_key=artist_key,
                port=port,
                sandbox_port=sandbox_port,
                keep_serving=keep_serving,
            )
        )
    except DemoError as exc:
        print(f"encore demo: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nStopped.")
        return 0
