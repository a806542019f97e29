from tortoise import Tortoise

from models.config import MODEL_MODULES
from models.database import migrate, pending_model_changes


async def test_models_and_migrations_agree() -> None:
    assert await pending_model_changes() == []


async def test_drift_check_fails_on_a_model_the_migrations_lack() -> None:
    changes = await pending_model_changes([*MODEL_MODULES, "tests.models.drifted"])
    assert any("CREATE TABLE" in sql and '"drifted"' in sql for sql in changes)


async def test_reapplying_migrations_is_a_no_op(database: str) -> None:
    # The session fixture migrated a fresh database; a second run finds nothing.
    assert await migrate(database) == []


async def test_migrating_leaves_the_open_connection_usable(db: str) -> None:
    await migrate(db)
    conn = Tortoise.get_connection("default")
    assert await conn.execute_query_dict("SELECT 1 AS one") == [{"one": 1}]
