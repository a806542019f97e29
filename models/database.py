"""Opening the database, creating it when missing, and applying migrations."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aerich import Command
from aerich.migrate import Migrate
from aerich.utils import get_models_describe
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from models.config import tortoise_config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
APP = "models"


class DatabaseUnreachable(ConnectionError):
    """Postgres did not accept a connection; the message says where and why."""


def _maintenance_url(database_url: str) -> tuple[str, str]:
    parts = urlsplit(database_url)
    name = parts.path.strip("/")
    return urlunsplit(parts._replace(path="/postgres", scheme="postgres")), name


def _where(database_url: str) -> str:
    parts = urlsplit(database_url)
    return f"{parts.hostname}:{parts.port or 5432}"


async def ensure_database(database_url: str) -> bool:
    """Create the database the URL names if it does not exist yet.

    Returns whether it was created.
    """
    maintenance, name = _maintenance_url(database_url)
    try:
        conn = await asyncpg.connect(maintenance, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise DatabaseUnreachable(
            f"cannot connect to Postgres at {_where(database_url)} ({exc}); "
            "check DATABASE_URL"
        ) from exc
    try:
        exists = await conn.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", name
        )
        if exists:
            return False
        quoted = '"' + name.replace('"', '""') + '"'
        try:
            await conn.execute(f"CREATE DATABASE {quoted}")
        except asyncpg.DuplicateDatabaseError:
            return False
        log.info("database created", extra={"database": name})
        return True
    finally:
        await conn.close()


async def migrate(database_url: str) -> list[str]:
    """Create the database if needed and apply pending migrations.

    Returns the names of the migrations applied; empty when up to date.
    """
    await ensure_database(database_url)
    config = tortoise_config(database_url)
    # A context of its own, so migrating never touches this process's
    # open connections.
    async with TortoiseContext() as context:
        await context.init(config=config)
        command = Command(config, app=APP, location=str(MIGRATIONS_DIR))
        await command.init()
        applied = await command.upgrade(run_in_transaction=True)
    for name in applied:
        log.info("migration applied", extra={"migration": name})
    return applied


async def pending_model_changes(
    model_modules: list[str] | None = None,
) -> list[str]:
    """SQL the models would need beyond the last migration; empty when in step.

    Reads only the migration files and the model classes, never a database.
    """
    Migrate.upgrade_operators = []
    Migrate.downgrade_operators = []
    Migrate._upgrade_fk_m2m_index_operators = []
    Migrate._downgrade_fk_m2m_index_operators = []
    Migrate._upgrade_m2m = []
    Migrate._downgrade_m2m = []
    config = tortoise_config("postgres://offline@127.0.0.1/offline")
    if model_modules is not None:
        config["apps"][APP]["models"] = model_modules
    async with TortoiseContext() as context:
        await context.init(config=config, init_connections=False)
        await Migrate.init(config, APP, str(MIGRATIONS_DIR), offline=True)
        old = Migrate._last_version_content or {}
        new = get_models_describe(APP)
        Migrate.diff_models(old, new, no_input=True)
        Migrate.diff_models(new, old, False, no_input=True)
        Migrate._merge_operators()
        return list(Migrate.upgrade_operators)


async def open_database(database_url: str) -> None:
    """Connect Tortoise for this process; raises DatabaseUnreachable."""
    try:
        # The global fallback lets tasks that did not inherit this one's
        # context (a server's request tasks, a worker's jobs) use it.
        await Tortoise.init(
            config=tortoise_config(database_url), _enable_global_fallback=True
        )
        conn = Tortoise.get_connection("default")
        await conn.execute_query("SELECT 1")
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise DatabaseUnreachable(
            f"cannot connect to Postgres at {_where(database_url)} ({exc}); "
            "check DATABASE_URL and run `encore migrate`"
        ) from exc


async def close_database() -> None:
    await Tortoise.close_connections()
