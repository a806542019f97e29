"""A real uvicorn server on a free loopback port, run in the test's event loop,
and small clients for it."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import uvicorn
from starlette.applications import Starlette
from tortoise import Tortoise

from encore.app import create_app, server_config
from encore.settings import Settings
from resolvers.context import Services


class _InProcessServer(uvicorn.Server):
    # Signals belong to pytest; the test stops the server itself.
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class LiveServer:
    port: int
    app: Starlette

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services


@contextlib.asynccontextmanager
async def running_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """The app served on 127.0.0.1; Tortoise must already be open (the
    ``database`` fixture), and stays open afterwards."""
    app = create_app(settings, manage_database=False)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _InProcessServer(server_config(app, settings, "127.0.0.1", port))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()
                    raise RuntimeError("the server stopped while starting")
                await asyncio.sleep(0.01)
        yield LiveServer(port, app)
    finally:
        server.should_exit = True
        await task
        sock.close()


async def post_graphql(
    server: LiveServer,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """POST one operation; the HTTP status and the decoded body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.graphql_url, json=body, headers=headers) as response,
    ):
        return response.status, await response.json(content_type=None)


async def graphql_data(
    server: LiveServer, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The data of a query that must succeed."""
    status, body = await post_graphql(server, query, variables)
    assert status == 200, body
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


def _is_driver_housekeeping(sql: str) -> bool:
    # asyncpg resets a connection each time the pool gets it back, and looks
    # up a type's codec the first time a connection meets the type: once per
    # connection, never per row, and not statements of the query.
    return "RESET ALL" in sql or "pg_catalog" in sql or "'jit'" in sql


@contextlib.asynccontextmanager
async def counted_statements() -> AsyncIterator[list[str]]:
    """Every SQL statement this process sends to Postgres meanwhile.

    asyncpg's query loggers are attached to each connection of Tortoise's
    pool (all of them are taken once, so none is missed) and removed after.
    """
    pool = Tortoise.get_connection("default")._pool
    statements: list[str] = []

    def record(query: Any) -> None:
        if not _is_driver_housekeeping(query.query):
            statements.append(query.query)

    held = [await pool.acquire() for _ in range(pool.get_max_size())]
    for conn in held:
        conn.add_query_logger(record)
    for conn in held:
        await pool.release(conn)
    try:
        yield statements
        # Loggers are called soon after each statement, not during it.
        await asyncio.sleep(0.05)
    finally:
        held = [await pool.acquire() for _ in range(pool.get_max_size())]
        for conn in held:
            conn.remove_query_logger(record)
        for conn in held:
            await pool.release(conn)
