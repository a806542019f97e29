"""Bulk upserts keyed on upstream ids: one statement per batch, ids returned.

Tortoise's ``bulk_create`` does not hand back the ids of conflicting rows, and
every phase of an import needs them to link the next table, so this writes the
``INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING`` itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from tortoise import Tortoise, fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

# Postgres takes at most 32,767 parameters in one statement.
MAX_PARAMETERS = 30_000


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _defaults(model: type[Model], given: Sequence[str]) -> dict[str, Any]:
    """Python-side defaults of columns the rows leave out: the tables have
    no database defaults, Tortoise fills them in on its own inserts."""
    defaults: dict[str, Any] = {}
    for name, field in model._meta.fields_map.items():
        column = field.source_field or name
        if (
            isinstance(field, fields.relational.RelationalField)
            or field.pk
            or column in given
            or column in ("created_at", "updated_at")
            or field.default is None
        ):
            continue
        default = field.default
        defaults[column] = default() if callable(default) else default
    return defaults


def _column_kinds(model: type[Model]) -> dict[str, bool]:
    """Database column name → whether it holds JSON."""
    kinds: dict[str, bool] = {}
    for name, field in model._meta.fields_map.items():
        if isinstance(field, fields.relational.RelationalField):
            continue
        column = field.source_field or name
        kinds[column] = isinstance(field, fields.JSONField)
    return kinds


async def upsert(
    model: type[Model],
    rows: Sequence[Mapping[str, Any]],
    conflict: Sequence[str],
    update: Sequence[str] | None = None,
    returning: Sequence[str] = ("id",),
    connection: BaseDBAsyncClient | None = None,
) -> list[dict[str, Any]]:
    """Insert ``rows`` (dicts of column → value), updating those that exist.

    ``conflict`` names the unique columns that identify a row; ``update`` the
    columns a re-import overwrites (default: every column given but the
    conflict ones). Columns left out of ``update`` (slugs, say) keep the value
    they were first written with. Returns ``returning`` columns of every row.
    """
    # One statement may not touch a row twice: the last row of a key wins.
    rows = list({tuple(r[c] for c in conflict): r for r in rows}.values())
    if not rows:
        return []
    conn = connection or Tortoise.get_connection("default")
    kinds = _column_kinds(model)
    columns = list(rows[0].keys())
    defaults = _defaults(model, columns)
    if defaults:
        rows = [{**defaults, **row} for row in rows]
        columns = list(rows[0].keys())
    if "created_at" in kinds and "created_at" not in columns:
        columns.append("created_at")
    if "updated_at" in kinds and "updated_at" not in columns:
        columns.append("updated_at")
    unknown = [c for c in columns if c not in kinds]
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {unknown}")
    if update is None:
        update = [c for c in rows[0] if c not in conflict]
    updates = [*update, "updated_at"] if "updated_at" in kinds else list(update)
    per_batch = max(1, MAX_PARAMETERS // len(columns))
    result: list[dict[str, Any]] = []
    for start in range(0, len(rows), per_batch):
        batch = rows[start : start + per_batch]
        sql, values = _statement(
            model._meta.db_table, columns, kinds, batch, conflict, updates, returning
        )
        result.extend(await conn.execute_query_dict(sql, values))
    return result


def _statement(
    table: str,
    columns: list[str],
    kinds: dict[str, bool],
    rows: Sequence[Mapping[str, Any]],
    conflict: Sequence[str],
    updates: Sequence[str],
    returning: Sequence[str],
) -> tuple[str, list[Any]]:
    values: list[Any] = []
    tuples = []
    for row in rows:
        placeholders = []
        for column in columns:
            if column in ("created_at", "updated_at") and column not in row:
                placeholders.append("now()")
                continue
            value = row[column]
            values.append(json.dumps(value) if kinds[column] else value)
            cast = "::jsonb" if kinds[column] else ""
            placeholders.append(f"${len(values)}{cast}")
        tuples.append("(" + ", ".join(placeholders) + ")")
    assignments = ", ".join(
        f"{_quote(c)} = now()"
        if c == "updated_at"
        else f"{_quote(c)} = EXCLUDED.{_quote(c)}"
        for c in updates
    )
    action = f"DO UPDATE SET {assignments}" if assignments else "DO NOTHING"
    sql = (
        f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, columns))}) "
        f"VALUES {', '.join(tuples)} "
        f"ON CONFLICT ({', '.join(map(_quote, conflict))}) {action} "
        f"RETURNING {', '.join(map(_quote, returning))}"
    )
    return sql, values
