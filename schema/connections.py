"""Relay connections: a page of edges with cursors, and the list's total."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import strawberry
from tortoise.models import Model

from resolvers.pagination import Page
from schema import fields

T = TypeVar("T")
M = TypeVar("M", bound=Model)


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @fields.field("How many rows the whole list holds.")
    async def total_count(self) -> int:
        # Counted only when asked: it is a statement of its own.
        return await self.count()


def connection(page: Page[M], node: Callable[[M], T]) -> Connection[T]:
    return Connection(
        edges=[Edge(cursor=cursor, node=node(row)) for cursor, row in page.edges],
        page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        count=page.total,
    )
