"""``encore serve``: the server as its own process, started and stopped by signal."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import aiohttp

from tests.resolvers.seed import seed_artist


async def _wait_until_healthy(port: int, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as session, asyncio.timeout(30):
        while process.returncode is None:
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"the server exited with {process.returncode}")


async def test_encore_serve_answers_graphql_and_stops_cleanly_on_sigterm(
    db: str, unused_tcp_port: int
) -> None:
    await seed_artist("Served", shows=0)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "encore.cli",
        "serve",
        "--port",
        str(unused_tcp_port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "LOG_LEVEL": "INFO"},
    )
    try:
        await _wait_until_healthy(unused_tcp_port, process)
        body = {"query": "{ artists { edges { node { name } } } }"}
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{unused_tcp_port}/graphql", json=body
            ) as response,
        ):
            data = await response.json()
        assert data == {"data": {"artists": {"edges": [{"node": {"name": "Served"}}]}}}
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    # uvicorn shuts down gracefully, then ends by the signal it was sent, as
    # a service manager expects.
    assert process.returncode in (0, -signal.SIGTERM), stderr.decode()
    assert "server stopped" in stderr.decode()
    assert "Traceback" not in stderr.decode()


async def test_encore_serve_without_a_database_is_one_clear_line(
    unused_tcp_port: int,
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "encore.cli",
        "serve",
        "--port",
        str(unused_tcp_port),
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nowhere"},
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert len(lines) == 1
    assert "cannot connect to Postgres at 127.0.0.1:9" in lines[0]
