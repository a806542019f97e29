"""Test set-up shared by the whole suite.

Each pytest-xdist worker gets a database of its own and a Redis database index
of its own, chosen here before anything reads the settings.
"""

from __future__ import annotations

import os
from pathlib import Path

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
# An offset lets two runs on one machine (say, a developer's and an editor's)
# keep out of each other's databases.
WORKER_NUMBER = int(WORKER.removeprefix("gw") or 0) + int(
    os.environ.get("ENCORE_TEST_WORKER_OFFSET", "0")
)

os.environ["DATABASE_URL"] = (
    os.environ.get(
        "ENCORE_TEST_DATABASE_URL_BASE",
        "postgres://postgres@127.0.0.1:5432/encore_test",
    )
    + f"_{WORKER_NUMBER}"
)
_redis_base = os.environ.get("ENCORE_TEST_REDIS_URL_BASE", "redis://127.0.0.1:6379")
# Redis database 0 is left to people running Encore itself.
os.environ["REDIS_URL"] = f"{_redis_base}/{1 + WORKER_NUMBER % 15}"
os.environ.setdefault("API_TOKENS", "test-token")

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = Path(
    os.environ.get(
        "ENCORE_SAMPLES_DIR", REPO_ROOT.parent / "shared" / "upstream-samples"
    )
)

pytest_plugins = ["tests.fixtures", "tests.sandbox_fixtures"]
