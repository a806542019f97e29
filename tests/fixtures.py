"""Fixtures every test folder may use: settings, Redis, samples."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from encore.settings import Settings, get_settings
from tests.conftest import SAMPLES_DIR


@pytest.fixture
def settings() -> Settings:
    return get_settings()


@pytest.fixture
def samples_dir() -> Path:
    if not SAMPLES_DIR.is_dir():
        pytest.fail(f"upstream samples not found at {SAMPLES_DIR}; set ENCORE_SAMPLES_DIR")
    return SAMPLES_DIR


@pytest.fixture
async def redis_client(settings: Settings) -> AsyncIterator[aioredis.Redis]:
    """A client of this worker's Redis database, emptied before the test."""
    client = aioredis.Redis.from_url(settings.redis_url)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()
