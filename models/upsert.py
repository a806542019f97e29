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


# Postgres array types of Tortoise fields, for ``unnest``.
_SQL_TYPES: tuple[tuple[type[fields.Field[Any]], str], ...] = (
    (fields.JSONField, "jsonb"),
    (fields.BooleanField, "bool"),
    (fields.SmallIntField, "int2"),
    (fields.BigIntField, "int8"),
    (fields.IntField, "int4"),
    (fields.FloatField, "float8"),
    (fields.DatetimeField, "timestamptz"),
    (fields.DateField, "date"),
)


def _column_types(model: type[Model]) -> dict[str, str]:
    """Database column name → the Postgres type its values travel as."""
    types: dict[str, str] = {}
    for name, field in model._meta.fields_map.items():
        if isinstance(field, fields.relational.RelationalField):
            continue
        column = field.source_field or name
        types[column] = next(
            (sql for kind, sql in _SQL_TYPES if isinstance(field, kind)), "text"
        )
    return types


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

    Values travel as one array per column (``unnest``), so the statement's
    text depends only on the columns, never on how many rows there are.
    """
    # One statement may not touch a row twice: the last row of a key wins.
    rows = list({tuple(r[c] for c in conflict): r for r in rows}.values())
    if not rows:
        return []
    conn = connection or Tortoise.get_connection("default")
    types = _column_types(model)
    columns = list(rows[0].keys())
    defaults = _defaults(model, columns)
    columns += list(defaults)
    unknown = [c for c in columns if c not in types]
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {unknown}")
    if update is None:
        update = [c for c in rows[0] if c not in conflict]
    stamps = [c for c in ("created_at", "updated_at") if c in types]
    updates = [*update, "updated_at"] if "updated_at" in types else list(update)
    arrays = [
        [_value(row.get(c, defaults.get(c)), types[c]) for row in rows] for c in columns
    ]
    sql = _statement(
        model._meta.db_table, columns, types, stamps, conflict, updates, returning
    )
    return await conn.execute_query_dict(sql, arrays)


def _value(value: Any, sql_type: str) -> Any:
    return json.dumps(value) if sql_type == "jsonb" and value is not None else value


def _statement(
    table: str,
    columns: list[str],
    types: dict[str, str],
    stamps: Sequence[str],
    conflict: Sequence[str],
    updates: Sequence[str],
    returning: Sequence[str],
) -> str:
    arrays = ", ".join(f"${i}::{types[c]}[]" for i, c in enumerate(columns, start=1))
    assignments = ", ".join(
        f"{_quote(c)} = now()"
        if c == "updated_at"
        else f"{_quote(c)} = EXCLUDED.{_quote(c)}"
        for c in updates
    )
    action = f"DO UPDATE SET {assignments}" if assignments else "DO NOTHING"
    names = ", ".join(map(_quote, [*columns, *stamps]))
    selected = ", ".join(["u.*", *("now()" for _ in stamps)])
    return (
        f"INSERT INTO {_quote(table)} ({names}) "
        f"SELECT {selected} FROM unnest({arrays}) AS u "
        f"ON CONFLICT ({', '.join(map(_quote, conflict))}) {action} "
        f"RETURNING {', '.join(map(_quote, returning))}"
    )
