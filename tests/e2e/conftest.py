"""Encore as real processes on free ports, for the end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import aiohttp
import asyncpg
import pytest
import redis.asyncio as aioredis

from tests.conftest import REPO_ROOT, WORKER_NUMBER

E2E_TOKEN = "e2e-token"
READY_SECONDS = 60.0
STOP_SECONDS = 20.0
IMPORT_SECONDS = 90.0
LOG_TAIL_LINES = 80
TERMINAL_STAGES = frozenset({"COMPLETED", "FAILED", "CANCELLED"})

STATUS_FIELDS = """
importId artistId stage progress message sequence error warnings
startedAt updatedAt finishedAt
counts { venues shows albums songs setlists }
"""
IMPORT_ARTIST = (
    "mutation($input: ImportArtistInput!) { importArtist(input: $input) {"
    " alreadyRunning artist { id name slug spotifyId ticketmasterId mbid }"
    " importStatus {" + STATUS_FIELDS + "} } }"
)
IMPORT_STATUS = (
    "query($id: ID!) { importStatus(artistId: $id) {" + STATUS_FIELDS + "} }"
)
PROGRESS_SUBSCRIPTION = (
    "subscription($id: ID!) { importProgress(artistId: $id) {" + STATUS_FIELDS + "} }"
)

# Stacks whose processes are running, so a failing test can show their output.
_RUNNING: list[Stack] = []


class GraphQLFailed(AssertionError):
    """The server answered with errors where the test expected data."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"GraphQL errors: {errors}")
        self.errors = errors


def free_ports(count: int) -> list[int]:
    """Ports free right now, all different: each is held until all are found."""
    with contextlib.ExitStack() as held:
        sockets = [held.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]


@dataclass
class Child:
    """One Encore process, its output going to ``log_path``."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, signum: signal.Signals) -> None:
        if self.alive():
            self.process.send_signal(signum)

    async def wait(self, seconds: float) -> int | None:
        """The exit status, or None if the process still runs after ``seconds``."""
        try:
            return await asyncio.to_thread(self.process.wait, seconds)
        except subprocess.TimeoutExpired:
            return None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


@dataclass
class Stack:
    """The processes of one test module, sharing a database and a Redis index.

    ``start`` runs the sandbox and the server (and workers if asked), each
    ``python -m encore.cli ...`` with its output in a file of ``log_dir``;
    ``start_worker`` adds a worker. The other methods talk to what runs.
    """

    env: dict[str, str]
    log_dir: Path
    children: list[Child] = field(default_factory=list)
    sandbox_url: str = ""
    server_url: str = ""
    session: aiohttp.ClientSession | None = None

    # --- processes ----------------------------------------------------------

    def spawn(self, name: str, *args: str, env: dict[str, str] | None = None) -> Child:
        count = sum(1 for c in self.children if c.name.startswith(name))
        label = f"{name}-{count + 1}"
        log_path = self.log_dir / f"{label}.log"
        log_file = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "encore.cli", *args],
            env={**self.env, **(env or {})},
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C at the terminal is for pytest alone.
            start_new_session=True,
        )
        child = Child(label, process, log_path, log_file)
        self.children.append(child)
        return child

    async def start(self, *sandbox_args: str, workers: int = 0) -> None:
        """The sandbox, the server and ``workers`` workers, started together:
        the others need the sandbox's address, not the sandbox itself."""
        sandbox_port, server_port = free_ports(2)
        self.sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        self.server_url = f"http://127.0.0.1:{server_port}"
        self.env.update(
            SPOTIFY_API_URL=f"{self.sandbox_url}/v1",
            SPOTIFY_ACCOUNTS_URL=f"{self.sandbox_url}/api/token",
            TICKETMASTER_API_URL=f"{self.sandbox_url}/discovery/v2",
            SETLISTFM_API_URL=f"{self.sandbox_url}/rest/1.0",
        )
        sandbox = self.spawn(
            "sandbox", "sandbox", "--port", str(sandbox_port), *sandbox_args
        )
        server = self.spawn("server", "serve", "--port", str(server_port))
        for _ in range(workers):
            self.start_worker()
        await self.wait_until_up(sandbox, f"{self.sandbox_url}/_sandbox")
        await self.wait_until_up(server, f"{self.server_url}/readyz")

    def start_worker(self, **env: str) -> Child:
        """A worker; it needs no readiness check, since jobs wait in Redis."""
        assert self.sandbox_url, "start the stack first"
        return self.spawn("worker", "worker", env=env)

    async def wait_until_up(self, child: Child, url: str) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if not child.alive():
                pytest.fail(
                    f"{child.name} exited with {child.returncode} before it was "
                    f"ready:\n{child.tail()}"
                )
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with self.http.get(
                    url, timeout=aiohttp.ClientTimeout(total=2)
                ) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
        pytest.fail(f"{child.name} did not answer {url} within {READY_SECONDS} s")

    async def stop(self, child: Child, grace: float = STOP_SECONDS) -> int:
        """SIGTERM, and SIGKILL if the process outlives ``grace`` seconds."""
        child.send(signal.SIGTERM)
        code = await child.wait(grace)
        if code is None:
            child.send(signal.SIGKILL)
            code = await child.wait(STOP_SECONDS)
        assert code is not None, f"{child.name} survived SIGKILL"
        child.log_file.close()
        return code

    async def kill(self, child: Child) -> int:
        child.send(signal.SIGKILL)
        code = await child.wait(STOP_SECONDS)
        assert code is not None, f"{child.name} survived SIGKILL"
        return code

    async def stop_all(self) -> None:
        # Servers and workers before the sandbox they talk to.
        for child in reversed(self.children):
            if child.alive() or not child.log_file.closed:
                await self.stop(child)

    def workers(self) -> list[Child]:
        return [c for c in self.children if c.name.startswith("worker") and c.alive()]

    def report(self) -> str:
        parts = []
        for child in self.children:
            state = "running" if child.alive() else f"exit {child.returncode}"
            parts.append(
                f"----- {child.name} ({state}) {child.log_path}\n{child.tail()}"
            )
        return "\n".join(parts)

    # --- talking to it --------------------------------------------------------

    @property
    def http(self) -> aiohttp.ClientSession:
        assert self.session is not None
        return self.session

    @property
    def graphql_url(self) -> str:
        assert self.server_url, "start the stack first"
        return f"{self.server_url}/graphql"

    @property
    def ws_url(self) -> str:
        return self.graphql_url.replace("http://", "ws://", 1)

    async def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        """The ``data`` of a successful answer; GraphQLFailed on errors."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"query": query, "variables": variables or {}}
        async with self.http.post(
            self.graphql_url, json=body, headers=headers
        ) as response:
            payload = await response.json()
        if payload.get("errors"):
            raise GraphQLFailed(payload["errors"])
        data: dict[str, Any] = payload["data"]
        return data

    async def import_artist(self, **key: str) -> dict[str, Any]:
        data = await self.graphql(IMPORT_ARTIST, {"input": key}, token=E2E_TOKEN)
        payload: dict[str, Any] = data["importArtist"]
        return payload

    async def import_status(self, artist_id: str) -> dict[str, Any] | None:
        data = await self.graphql(IMPORT_STATUS, {"id": artist_id})
        status: dict[str, Any] | None = data["importStatus"]
        return status

    async def wait_for_import(
        self, artist_id: str, seconds: float = IMPORT_SECONDS
    ) -> dict[str, Any]:
        """The import's final status, polled over GraphQL."""
        deadline = time.monotonic() + seconds
        status = await self.import_status(artist_id)
        while status is None or status["stage"] not in TERMINAL_STAGES:
            if time.monotonic() > deadline:
                pytest.fail(f"import not finished after {seconds} s: {status}")
            await asyncio.sleep(0.25)
            status = await self.import_status(artist_id)
        return status

    async def sandbox(self, method: str, path: str, body: Any = None) -> Any:
        """A call to the sandbox's control API under ``/_sandbox``."""
        url = f"{self.sandbox_url}/_sandbox{path}"
        async with self.http.request(method, url, json=body) as response:
            payload = await response.json()
            assert response.status < 400, f"{method} {path}: {payload}"
            return payload


def e2e_database_url(test_database_url: str) -> str:
    """This xdist worker's end-to-end database, beside its test database."""
    server = test_database_url.rsplit("/", 1)[0]
    return f"{server}/encore_e2e_{WORKER_NUMBER}"


async def drop_database(url: str) -> None:
    server, name = url.rsplit("/", 1)
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def migrate(env: dict[str, str], log_dir: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "encore.cli",
        "migrate",
        env=env,
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), READY_SECONDS)
    (log_dir / "migrate.log").write_bytes(output)
    assert process.returncode == 0, output.decode(errors="replace")


async def spread_artist_ids(url: str) -> None:
    """Start artist ids far from 1.

    Progress channels are named by artist id and Redis pub/sub ignores the
    database index, so imports run by other xdist workers at the same time,
    whose ids start at 1, would otherwise publish on our channels.
    """
    conn = await asyncpg.connect(url)
    try:
        start = random.randrange(10_000_000, 1_000_000_000)
        await conn.execute(
            "SELECT setval(pg_get_serial_sequence('artist', 'id'), $1)", start
        )
    finally:
        await conn.close()


async def flush_redis(url: str) -> None:
    client = aioredis.Redis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


@pytest.fixture(scope="module")
async def e2e_stack(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Stack]:
    """A fresh database migrated by ``encore migrate`` and this xdist worker's
    Redis database emptied; no process runs yet. Every process is stopped
    after the module (SIGTERM, then SIGKILL)."""
    log_dir = tmp_path_factory.mktemp("encore-processes")
    env = {
        **os.environ,
        "DATABASE_URL": e2e_database_url(os.environ["DATABASE_URL"]),
        "API_TOKENS": E2E_TOKEN,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    await drop_database(env["DATABASE_URL"])
    # Jobs queued by earlier tests of this xdist worker name imports of
    # another database: a worker of ours must never see them.
    await flush_redis(env["REDIS_URL"])
    await migrate(env, log_dir)
    await spread_artist_ids(env["DATABASE_URL"])
    stack = Stack(env=env, log_dir=log_dir, session=aiohttp.ClientSession())
    _RUNNING.append(stack)
    try:
        yield stack
    finally:
        _RUNNING.remove(stack)
        try:
            await stack.stop_all()
        finally:
            await stack.http.close()
            await flush_redis(env["REDIS_URL"])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing test's report ends with the tail of each process's output."""
    report = yield
    if report.failed:
        for stack in _RUNNING:
            report.sections.append(("encore processes", stack.report()))
    return report
