"""The ASGI app: GraphQL over HTTP and websockets, health checks, and the lifespan
that opens Postgres, Redis and the job queue."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
from collections.abc import AsyncIterator, Awaitable
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import uvicorn
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from tortoise import Tortoise

from encore.settings import Settings, get_settings
from jobs.runtime import Resources
from models.database import DatabaseUnreachable, close_database, open_database
from resolvers.context import RequestContext, Services
from resolvers.errors import BAD_USER_INPUT
from resolvers.loaders import Loaders
from resolvers.progress_hub import ProgressHub
from schema import create_schema

log = logging.getLogger(__name__)

# The pub/sub connection's name in Redis CLIENT LIST, one per server process.
HUB_CLIENT_PREFIX = "encore-api-progress"
READINESS_TIMEOUT = 2.0
KEEP_ALIVE_SECONDS = 15.0


def error_body(message: str, code: str = BAD_USER_INPUT) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


class LegacyWSHandler(BaseGraphQLWSHandler[RequestContext, None]):
    """The older graphql-ws protocol, with the same connection_init deadline
    as graphql-transport-ws (the protocol itself sets none)."""

    async def handle(self) -> None:
        deadline = asyncio.create_task(self._close_unless_initialised())
        try:
            await super().handle()
        finally:
            deadline.cancel()

    async def _close_unless_initialised(self) -> None:
        view: Any = self.view
        await asyncio.sleep(view.connection_init_wait_timeout.total_seconds())
        if not self.connection_acknowledged:
            await self.websocket.close(4408, "Connection initialisation timeout")


class EncoreGraphQL(GraphQL[RequestContext, None]):
    """Strawberry's ASGI view, with our context and JSON errors throughout."""

    graphql_ws_handler_class = LegacyWSHandler

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            create_schema(settings),
            graphql_ide="graphiql",
            keep_alive=True,
            keep_alive_interval=KEEP_ALIVE_SECONDS,
            connection_init_wait_timeout=dt.timedelta(
                seconds=settings.ws_connection_init_timeout
            ),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            # Strawberry answers malformed requests in plain text; clients of
            # a GraphQL API expect the errors shape and a code.
            response = JSONResponse(error_body(exc.reason), status_code=exc.status_code)
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        services: Services = request.app.state.services
        is_websocket = request.scope["type"] == "websocket"
        return RequestContext(
            services=services,
            # A websocket lives long: its loaders batch but must not remember.
            loaders=Loaders(cache=not is_websocket),
            authorization=request.headers.get("authorization"),
        )


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuses a request body over ``max_bytes`` with 413, without reading it.

    A declared Content-Length over the limit is refused before any of the
    body is read; a chunked body is counted as it arrives and refused at the
    first chunk past the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = error_body(f"the request body is larger than {self.max_bytes} bytes")
        # Closing the connection spares us reading the rest of the body.
        response = JSONResponse(body, status_code=413, headers={"connection": "close"})
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """200 when Postgres and Redis both answer, 503 naming the one that did not."""
    services: Services = request.app.state.services
    checks = {
        "postgres": await _answers(_ping_postgres()),
        "redis": await _answers(_ping_redis(services)),
    }
    ready = all(state == "ok" for state in checks.values())
    body = {"status": "ready" if ready else "unavailable", **checks}
    return JSONResponse(body, status_code=200 if ready else 503)


async def _ping_postgres() -> None:
    await Tortoise.get_connection("default").execute_query("SELECT 1")


async def _ping_redis(services: Services) -> None:
    pong: Any = services.resources.redis.ping()
    await pong


async def _answers(check: Awaitable[Any]) -> str:
    try:
        await asyncio.wait_for(check, READINESS_TIMEOUT)
    except Exception as exc:  # any failure at all means "not ready"
        log.warning("readiness check failed", extra={"reason": repr(exc)})
        return "unavailable"
    return "ok"


async def probe_database(database_url: str) -> None:
    """Raise DatabaseUnreachable unless Postgres accepts a connection."""
    try:
        conn = await asyncpg.connect(database_url, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        where = urlsplit(database_url)
        raise DatabaseUnreachable(
            f"cannot connect to Postgres at {where.hostname}:{where.port or 5432} "
            f"({exc}); check DATABASE_URL and run `encore migrate`"
        ) from exc
    await conn.close()


async def open_services(settings: Settings, manage_database: bool) -> Services:
    if manage_database:
        await open_database(settings.database_url)
    resources = Resources(settings)
    await resources.__aenter__()
    hub = ProgressHub(settings.redis_url, f"{HUB_CLIENT_PREFIX}-{os.getpid()}")
    hub.start()
    return Services(settings=settings, resources=resources, hub=hub)


async def close_services(services: Services, manage_database: bool) -> None:
    await services.hub.close()
    await services.resources.close()
    if manage_database:
        await close_database()


def create_app(settings: Settings, *, manage_database: bool = True) -> Starlette:
    """The server. With ``manage_database`` false, Tortoise is left to the caller
    (already open, and closed by it)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = await open_services(settings, manage_database)
        app.state.services = services
        log.info("server started", extra={"pid": os.getpid()})
        try:
            yield
        finally:
            await close_services(services, manage_database)
            log.info("server stopped", extra={"pid": os.getpid()})

    graphql = EncoreGraphQL(settings)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)],
        lifespan=lifespan,
    )


def app_from_environment() -> Starlette:
    """The app for each worker process of ``encore serve --workers N``."""
    return create_app(get_settings())


def server_config(
    app: ASGIApp | str,
    settings: Settings,
    host: str,
    port: int,
    *,
    workers: int = 1,
) -> uvicorn.Config:
    """How uvicorn runs the app, the same for ``encore serve`` and the tests.

    Several workers need the app as an import path of a factory, which each
    worker process calls (``app_from_environment``).
    """
    return uvicorn.Config(
        app,
        factory=isinstance(app, str),
        workers=workers,
        host=host,
        port=port,
        ws="websockets-sansio",
        ws_max_size=settings.max_body_bytes,
        # Compression state costs some 50 KiB per websocket, and progress
        # events are a few hundred bytes: with a thousand subscribers the
        # memory matters and the saving does not.
        ws_per_message_deflate=False,
        lifespan="on",
        # Our logging is already configured; uvicorn's own would replace it.
        log_config=None,
        timeout_graceful_shutdown=5,
    )


__all__ = ["create_app", "server_config"]
