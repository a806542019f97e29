"""Relay pages read by keyset: a cursor is the sort key of the row it follows.

A listing names its rows, filters and sort expressions once; the same
description reads one page, a page per parent in a single statement (for a
connection nested under a list), and the total counts.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from tortoise import Tortoise
from tortoise.models import Model

from encore.errors import BadInputError

M = TypeVar("M", bound=Model)

MAX_PAGE_SIZE = 100

# Sort keys are plain JSON values; the Postgres type each one is read back as.
SortValue = int | str
_PYTHON_TYPES: dict[str, type] = {"int": int, "text": str}


def check_first(first: int) -> int:
    if first < 0 or first > MAX_PAGE_SIZE:
        raise BadInputError(f"first must be between 0 and {MAX_PAGE_SIZE}, not {first}")
    return first


def encode_cursor(key: tuple[SortValue, ...]) -> str:
    text = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> Any:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        return None


@dataclass(frozen=True, slots=True)
class Ordering:
    """Sort expressions of a listing, all ascending, the last one unique."""

    columns: tuple[tuple[str, str], ...]

    def decode(self, cursor: str) -> tuple[SortValue, ...]:
        """The sort key in ``cursor``; BAD_USER_INPUT unless it fits this list."""
        key = _decode(cursor)
        wanted = [_PYTHON_TYPES[kind] for _, kind in self.columns]
        if (
            not isinstance(key, list)
            or len(key) != len(wanted)
            # bool is an int to isinstance, never to a cursor.
            or any(type(v) is not t for v, t in zip(key, wanted, strict=True))
        ):
            raise BadInputError(f"{cursor!r} is not a cursor of this list")
        return tuple(key)

    def select(self) -> str:
        return ", ".join(f"{expr} AS _k{i}" for i, (expr, _) in enumerate(self.columns))

    def order_by(self) -> str:
        return ", ".join(expr for expr, _ in self.columns)

    def key_of(self, row: dict[str, Any]) -> tuple[SortValue, ...]:
        return tuple(row[f"_k{i}"] for i in range(len(self.columns)))


@dataclass(frozen=True, slots=True)
class PageArgs:
    """``first`` and the decoded ``after`` of one connection field."""

    first: int
    after: tuple[SortValue, ...] | None = None


async def _no_rows() -> int:
    return 0


@dataclass(slots=True)
class Page(Generic[M]):
    """Rows with their cursors, and how to count the whole list when asked."""

    edges: list[tuple[str, M]]
    has_next: bool
    total: Callable[[], Awaitable[int]] = _no_rows

    @property
    def end_cursor(self) -> str | None:
        return self.edges[-1][0] if self.edges else None


@dataclass
class Listing(Generic[M]):
    """One keyset-paginated list: rows of ``model`` from ``source``, sorted.

    ``partition`` is the column of the parent when one statement reads a page
    for each of several parents (an artist's shows for every artist listed).
    """

    model: type[M]
    alias: str
    ordering: Ordering
    joins: str = ""
    partition: str | None = None
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    @property
    def source(self) -> str:
        return f'"{self.model._meta.db_table}" {self.alias} {self.joins}'.rstrip()

    def param(self, value: Any, kind: str) -> str:
        self.params.append(value)
        return f"${len(self.params)}::{kind}"

    def filter(self, clause: str) -> None:
        self.where.append(clause)

    async def pages(self, args: PageArgs) -> dict[int | None, Page[M]]:
        """A page per parent (the key is None for an unpartitioned listing)."""
        params = list(self.params)
        where = list(self.where)
        if args.after is not None:
            bounds = []
            for value, (_, kind) in zip(args.after, self.ordering.columns, strict=True):
                params.append(value)
                bounds.append(f"${len(params)}::{kind}")
            where.append(f"({self.ordering.order_by()}) > ({', '.join(bounds)})")
        # One row more than asked tells whether there is a next page.
        params.append(args.first + 1)
        rows = await _query(self._page_sql(where, f"${len(params)}::int"), params)
        return self._group(rows, args.first)

    async def first_page(self, args: PageArgs) -> Page[M]:
        """The page of an unpartitioned listing, counting it on demand."""
        page = (await self.pages(args)).get(None) or empty_page()
        page.total = self.total
        return page

    async def total(self) -> int:
        return (await self.counts()).get(None, 0)

    async def counts(self) -> dict[int | None, int]:
        where = " AND ".join(self.where) or "TRUE"
        if self.partition is None:
            sql = f"SELECT count(*) AS n FROM {self.source} WHERE {where}"
        else:
            sql = (
                f"SELECT {self.partition} AS _parent, count(*) AS n "
                f"FROM {self.source} WHERE {where} GROUP BY 1"
            )
        rows = await _query(sql, self.params)
        return {row.get("_parent"): row["n"] for row in rows}

    def _page_sql(self, where: list[str], limit: str) -> str:
        alias = self.alias
        condition = " AND ".join(where) or "TRUE"
        order = self.ordering.order_by()
        if self.partition is None:
            return (
                f"SELECT {alias}.*, {self.ordering.select()} FROM {self.source} "
                f"WHERE {condition} ORDER BY {order} LIMIT {limit}"
            )
        return (
            f"SELECT * FROM (SELECT {alias}.*, {self.ordering.select()}, "
            f"{self.partition} AS _parent, row_number() OVER "
            f"(PARTITION BY {self.partition} ORDER BY {order}) AS _rank "
            f"FROM {self.source} WHERE {condition}) AS ranked "
            f"WHERE _rank <= {limit} ORDER BY _parent, _rank"
        )

    def _group(
        self, rows: list[dict[str, Any]], first: int
    ) -> dict[int | None, Page[M]]:
        grouped: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            grouped[row.get("_parent")].append(row)
        return {
            parent: Page(
                edges=[
                    (
                        encode_cursor(self.ordering.key_of(row)),
                        _instance(self.model, row),
                    )
                    for row in members[:first]
                ],
                has_next=len(members) > first,
            )
            for parent, members in grouped.items()
        }


def empty_page() -> Page[Any]:
    return Page(edges=[], has_next=False)


def _instance(model: type[M], row: dict[str, Any]) -> M:
    # Tortoise's own row-to-instance step: columns the model lacks (the sort
    # keys, the parent, the rank) are ignored.
    return model._init_from_db(**row)


_PLACEHOLDER = re.compile(r"\$(\d+)")


def _used_params(sql: str, params: list[Any]) -> tuple[str, list[Any]]:
    """The statement renumbered to the parameters it uses: a count needs no
    sort expressions, and Postgres refuses parameters it cannot type."""
    used = sorted({int(n) for n in _PLACEHOLDER.findall(sql)})
    number = {old: new for new, old in enumerate(used, start=1)}
    renumbered = _PLACEHOLDER.sub(lambda m: f"${number[int(m.group(1))]}", sql)
    return renumbered, [params[n - 1] for n in used]


async def _query(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    conn = Tortoise.get_connection("default")
    return await conn.execute_query_dict(*_used_params(sql, params))


def page_args(first: int, after: str | None, ordering: Ordering) -> PageArgs:
    """Checked arguments of a connection field; BAD_USER_INPUT when out of bounds."""
    check_first(first)
    return PageArgs(first, ordering.decode(after) if after is not None else None)


# Keys of the loaders of nested connections: the parent's id, a filter the
# page depends on (``when`` for shows; None elsewhere), and the page asked for.
PageKey = tuple[int, Hashable, PageArgs]
CountKey = tuple[int, Hashable]
ListingFactory = Callable[[Hashable, list[int]], Listing[M]]


async def load_pages(
    keys: Sequence[PageKey], make_listing: ListingFactory[M]
) -> list[Page[M]]:
    """A page per key, one statement per distinct (filter, page) asked for.

    Nested under a list, every parent asks with the same arguments, so a
    whole level of the query costs one statement however many parents it has.
    """
    groups: dict[tuple[Hashable, PageArgs], list[int]] = defaultdict(list)
    for parent, variant, args in keys:
        groups[(variant, args)].append(parent)
    found: dict[PageKey, Page[M]] = {}
    for (variant, args), parents in groups.items():
        pages = await make_listing(variant, parents).pages(args)
        for parent in parents:
            found[(parent, variant, args)] = pages.get(parent) or empty_page()
    return [found[key] for key in keys]


async def load_counts(
    keys: Sequence[CountKey], make_listing: ListingFactory[M]
) -> list[int]:
    """The total of each parent's list, one statement per distinct filter."""
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for parent, variant in keys:
        groups[variant].append(parent)
    found: dict[CountKey, int] = {}
    for variant, parents in groups.items():
        counts = await make_listing(variant, parents).counts()
        for parent in parents:
            found[(parent, variant)] = counts.get(parent, 0)
    return [found[key] for key in keys]
