"""``encore import`` as a subprocess against a running stack, in JSON mode."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import E2E_TOKEN, Stack

pytestmark = pytest.mark.e2e

POCKET_SATELLITES = "K8vZ917HgJ8"
# Shaped like a Ticketmaster attraction id; the sandbox knows no such artist.
UNKNOWN_ATTRACTION = "K8vZ917QQQQ"
COMMAND_SECONDS = 90.0


@pytest.fixture(scope="module")
async def stack(e2e_stack: Stack) -> Stack:
    await e2e_stack.start(workers=1)
    return e2e_stack


async def encore_import(stack: Stack, *args: str) -> tuple[int, list[dict[str, Any]]]:
    """Runs ``encore import --json``; its exit status and its output lines.

    Anything on stderr fails the test: JSON mode reports on stdout alone.
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "encore.cli",
        "import",
        "--json",
        "--url",
        stack.graphql_url,
        "--token",
        E2E_TOKEN,
        *args,
        env=stack.env,
        cwd=REPO_ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), COMMAND_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    assert not stderr, stderr.decode()
    text = stdout.decode()
    try:
        lines = [json.loads(line) for line in text.splitlines()]
    except json.JSONDecodeError as exc:
        pytest.fail(f"not JSON lines ({exc}):\n{text}\nstderr:\n{stderr.decode()}")
    return process.returncode, lines


async def test_import_prints_started_progress_and_finished_and_exits_0(
    stack: Stack,
) -> None:
    status, lines = await encore_import(stack, "--ticketmaster-id", POCKET_SATELLITES)

    assert status == 0, lines
    started, *progress, finished = lines
    assert started["event"] == "started"
    assert started["artist"]["name"] == "Pocket Satellites"
    assert progress
    assert {line["event"] for line in progress} == {"progress"}
    sequences = [line["sequence"] for line in progress]
    assert sequences == sorted(set(sequences)), sequences
    assert progress[-1]["stage"] == "COMPLETED"
    assert finished == {"event": "finished", "stage": "COMPLETED", "error": None}

    imported = await stack.import_status(started["artist"]["id"])
    assert imported is not None
    assert imported["sequence"] == sequences[-1]


async def test_import_of_an_unknown_artist_prints_one_error_and_fails(
    stack: Stack,
) -> None:
    status, lines = await encore_import(stack, "--ticketmaster-id", UNKNOWN_ATTRACTION)

    assert status != 0
    assert len(lines) == 1, lines
    error = lines[0]
    assert error["event"] == "error"
    assert error["code"] == "NOT_FOUND"
    assert UNKNOWN_ATTRACTION in error["message"]
