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
        pytest.fail(
            f"upstream samples not found at {SAMPLES_DIR}; set ENCORE_SAMPLES_DIR"
        )
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


@pytest.fixture(scope="session")
async def database(_settings_once: Settings) -> AsyncIterator[str]:
    """This worker's database, created afresh and migrated once per session."""
    import asyncpg

    from models.database import close_database, migrate, open_database

    url = _settings_once.database_url
    admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        await admin.execute(
            f'DROP DATABASE IF EXISTS "{_settings_once.database_name}" WITH (FORCE)'
        )
    finally:
        await admin.close()
    await migrate(url)
    await open_database(url)
    try:
        yield url
    finally:
        await close_database()


@pytest.fixture(scope="session")
def _settings_once() -> Settings:
    return get_settings()


TABLES = (
    "setlist_entry",
    "setlist",
    "show_act",
    "show",
    "track",
    "song",
    "album",
    "import",
    "venue",
    "artist",
)


@pytest.fixture
async def db(database: str) -> str:
    """A database with every table empty at the start of the test."""
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    quoted = ", ".join(f'"{t}"' for t in TABLES)
    await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    return database
