"""The server over real HTTP: health, GraphiQL, and bad input of every kind,
each refused with its code while the server goes on serving."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from tortoise import Tortoise

from encore.settings import Settings
from tests.resolvers.live import (
    LiveServer,
    error_codes,
    graphql_data,
    post_graphql,
    running_server,
)
from tests.resolvers.seed import seed_artist, seed_import


@pytest.fixture
async def server(db: str, settings: Settings) -> AsyncIterator[LiveServer]:
    async with running_server(settings) as live:
        yield live


async def still_serving(server: LiveServer) -> None:
    data = await graphql_data(server, "{ artists(first: 1) { totalCount } }")
    assert data["artists"]["totalCount"] >= 0


async def get(server: LiveServer, path: str, **headers: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(server.url + path, headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_health_and_readiness_answer(server: LiveServer) -> None:
    assert await get(server, "/healthz") == (200, '{"status":"ok"}')
    status, body = await get(server, "/readyz")
    assert status == 200
    assert json.loads(body) == {"status": "ready", "postgres": "ok", "redis": "ok"}


async def test_readiness_fails_while_redis_is_unreachable(
    db: str, settings: Settings, unused_tcp_port: int
) -> None:
    away = settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{unused_tcp_port}/0"}
    )
    async with running_server(away) as server:
        status, body = await get(server, "/readyz")
        assert await get(server, "/healthz") == (200, '{"status":"ok"}')
    assert status == 503
    assert json.loads(body) == {
        "status": "unavailable",
        "postgres": "ok",
        "redis": "unavailable",
    }


async def test_graphiql_is_served_to_browsers(server: LiveServer) -> None:
    status, page = await get(server, "/graphql", Accept="text/html")
    assert status == 200
    assert "graphiql" in page.lower()


def _deep_query(levels: int) -> str:
    inner = "name"
    for _ in range(levels // 4):
        inner = f"artist {{ shows(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"
    return "{ show(id: 1) { " + inner + " } }"


BAD_QUERIES: list[tuple[str, dict[str, Any] | None, str]] = [
    ("{ artists { edges { node { nickname } } } }", None, "Cannot query field"),
    ('{ artists(first: "ten") { totalCount } }', None, "Int cannot represent"),
    (
        "query($n: Int) { artists(first: $n) { totalCount } }",
        {"n": "ten"},
        "Int cannot represent",
    ),
    ("{ artists(first: -1) { totalCount } }", None, "first must be between 0 and 100"),
    (
        "{ artists(first: 10000) { totalCount } }",
        None,
        "first must be between 0 and 100",
    ),
    (
        "query($n: Int) { artists(first: $n) { totalCount } }",
        {"n": 101},
        "first must be between 0 and 100",
    ),
    (_deep_query(50), None, "nested more than 12 levels deep"),
    (
        "{ " + " ".join(f"a{i}: artists {{ totalCount }}" for i in range(5000)) + " }",
        None,
        "Parsing aborted",
    ),
    (
        "{ " + " ".join(f"a{i}: __typename" for i in range(1200)) + " }",
        None,
        "aliases; at most 30 are allowed",
    ),
    (
        "{ artists(first: 100) { edges { node { shows(first: 100) { edges { node {"
        " setlist { sets { entries { title } } } } } } } } } }",
        None,
        "cost more than",
    ),
    ("{ artists { ", None, "Syntax Error"),
]


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    BAD_QUERIES,
    ids=[
        "unknown field",
        "wrong argument type",
        "wrong variable type",
        "first -1",
        "first 10000",
        "first 101 in a variable",
        "50 levels deep",
        "5000 aliases",
        "1200 aliases",
        "too costly",
        "syntax error",
    ],
)
async def test_a_bad_query_is_bad_user_input(
    server: LiveServer, query: str, variables: dict[str, Any] | None, message: str
) -> None:
    status, body = await post_graphql(server, query, variables)
    assert status == 200
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert message in body["errors"][0]["message"]
    assert body.get("data") is None
    await still_serving(server)


async def test_malformed_json_is_bad_user_input(server: LiveServer) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            server.graphql_url,
            data=b'{"query": "{ artists { totalCount } ',
            headers={"Content-Type": "application/json"},
        ) as response,
    ):
        status, body = response.status, await response.json()
    assert status == 400
    assert error_codes(body) == ["BAD_USER_INPUT"]
    await still_serving(server)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ('{ importStatus(artistId: "424242") { stage } }', "NOT_FOUND"),
        ('{ shows(artistId: "424242") { totalCount } }', "NOT_FOUND"),
        ('{ importStatus(artistId: "forty-two") { stage } }', "BAD_USER_INPUT"),
        ('{ show(id: "99999999999") { name } }', "BAD_USER_INPUT"),
    ],
)
async def test_an_id_that_names_nothing_has_its_code(
    server: LiveServer, query: str, code: str
) -> None:
    _, body = await post_graphql(server, query)
    assert error_codes(body) == [code]
    await still_serving(server)


async def test_a_bad_token_is_unauthenticated(server: LiveServer) -> None:
    mutation = 'mutation { importArtist(input: {name: "Anyone"}) { alreadyRunning } }'
    _, body = await post_graphql(server, mutation, token="wrong")
    assert error_codes(body) == ["UNAUTHENTICATED"]
    await still_serving(server)


async def test_an_unexpected_error_is_logged_and_shown_without_detail(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    seeded = await seed_artist("Corrupted", shows=0)
    row = await seed_import(seeded.artist_id)
    # A stage no code knows: the kind of surprise only a bug or a bad
    # migration makes.
    await Tortoise.get_connection("default").execute_query(
        "UPDATE \"import\" SET stage = 'BOGUS' WHERE id = $1", [row.id]
    )
    query = f'{{ importStatus(artistId: "{seeded.artist_id}") {{ stage }} }}'
    with caplog.at_level(logging.ERROR, logger="resolvers.errors"):
        _, body = await post_graphql(server, query)

    assert body["errors"] == [
        {
            "message": "Internal server error",
            "locations": [{"line": 1, "column": 3}],
            "path": ["importStatus"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]
    assert "BOGUS" not in json.dumps(body)
    (record,) = caplog.records
    assert record.exc_info is not None
    assert "BOGUS" in str(record.exc_info[1])
    await still_serving(server)


TEN_MB = 10 * 1024 * 1024


class _Collect(asyncio.Protocol):
    """Keeps every byte the server sends, even when it resets afterwards."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.closed = asyncio.Event()

    def data_received(self, data: bytes) -> None:
        self.received.extend(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()


async def _raw_request(server: LiveServer, head: bytes, body_chunks: int) -> bytes:
    """Send ``head`` then up to ``body_chunks`` chunks of 64 KiB, stopping once
    the server answers; what it answered."""
    loop = asyncio.get_running_loop()
    transport, collect = await loop.create_connection(
        _Collect, "127.0.0.1", server.port
    )
    try:
        transport.write(head)
        chunk = b"x" * 65536
        for _ in range(body_chunks):
            if collect.received or collect.closed.is_set():
                break
            transport.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await asyncio.sleep(0.001)
        await asyncio.wait_for(collect.closed.wait(), 10)
        return bytes(collect.received)
    finally:
        transport.close()


async def test_a_declared_10_mb_body_is_refused_before_it_is_sent(
    server: LiveServer,
) -> None:
    head = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % TEN_MB
    )
    # Not one byte of the body is sent: the answer comes from the headers.
    response = await _raw_request(server, head, body_chunks=0)
    assert response.startswith(b"HTTP/1.1 413 ")
    assert b'"code":"BAD_USER_INPUT"' in response
    await still_serving(server)


async def test_a_chunked_10_mb_body_is_refused_at_the_limit(
    server: LiveServer, settings: Settings
) -> None:
    head = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    response = await _raw_request(server, head, body_chunks=TEN_MB // 65536)
    assert response.startswith(b"HTTP/1.1 413 ")
    assert f"larger than {settings.max_body_bytes} bytes".encode() in response
    await still_serving(server)
