"""``encore demo`` as a person runs it: from no database to the summary."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from tests.conftest import REPO_ROOT, WORKER_NUMBER
from tests.e2e.conftest import drop_database, free_ports

pytestmark = pytest.mark.e2e

DEMO_SECONDS = 120.0


async def test_the_demo_gets_from_nothing_to_the_summary(tmp_path: object) -> None:
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    database_url = f"{server}/encore_demo_{WORKER_NUMBER}"
    await drop_database(database_url)
    port, sandbox_port = free_ports(2)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "encore.cli",
        "demo",
        "--no-serve",
        "--port",
        str(port),
        "--sandbox-port",
        str(sandbox_port),
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(REPO_ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), DEMO_SECONDS)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = output.decode()

    assert process.returncode == 0, text
    assert "applied 1 migration(s)" in text
    assert "Import of The Midnight Owls: COMPLETED" in text
    assert f"Explore in GraphiQL: http://127.0.0.1:{port}/graphql" in text
    assert 'artist(slug: "the-midnight-owls")' in text
    assert "this server accepts" in text
