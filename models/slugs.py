"""Slugs: readable, unique, and stable once written."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from tortoise import Tortoise
from tortoise.models import Model

MAX_LENGTH = 180


def slugify(*parts: str | None) -> str:
    text = " ".join(p for p in parts if p)
    ascii_text = (
        unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_LENGTH].rstrip("-") or "x"


def _suffix(identity: str, length: int) -> str:
    return hashlib.sha1(identity.encode()).hexdigest()[:length]


async def unique_slugs(
    model: type[Model], wanted: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """Give each ``(identity, base slug)`` a slug no other row holds.

    A base already taken (in the table or earlier in ``wanted``) gets a short
    suffix derived from the identity, so the same entity always gets the same
    slug. Rows that already exist keep theirs: callers never update slugs.
    """
    conn = Tortoise.get_connection("default")
    table = model._meta.db_table
    bases = sorted({base for _, base in wanted})
    taken_rows = await conn.execute_query_dict(
        f'SELECT slug FROM "{table}" WHERE slug = ANY($1::text[])', [bases]
    )
    taken = {row["slug"] for row in taken_rows}
    result: dict[str, str] = {}
    for identity, base in wanted:
        slug = base
        length = 6
        while slug in taken:
            slug = f"{base[: MAX_LENGTH - length - 1]}-{_suffix(identity, length)}"
            length += 2
        taken.add(slug)
        result[identity] = slug
    return result
