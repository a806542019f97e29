"""``encore serve --workers 2``: several processes answer on one port."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import aiohttp
import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import free_ports

pytestmark = pytest.mark.e2e


async def test_several_server_processes_serve_and_stop_together(db: str) -> None:
    (port,) = free_ports(1)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "encore.cli", "serve", "--port", str(port),
        "--workers", "2",
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": db},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session, asyncio.timeout(60):
            while True:
                try:
                    async with session.get(f"{url}/readyz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.2)
            query = {"query": "{ artists(first: 1) { totalCount } }"}
            for _ in range(10):
                async with session.post(f"{url}/graphql", json=query) as response:
                    body = await response.json()
                    assert body == {"data": {"artists": {"totalCount": 0}}}, body
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert "Traceback" not in output.decode(), output.decode()
