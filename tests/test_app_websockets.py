"""importProgress over real websockets, in both protocols, and what the server
does with clients that misbehave or leave."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis
import websockets
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.asyncio.client import ClientConnection

from encore.settings import Settings
from jobs.progress import ProgressReporter, channel_for
from models import Import, ImportStage
from tests.resolvers.live import LiveServer, running_server
from tests.resolvers.seed import rare_id, seed_artist, seed_import

PROGRESS = """subscription($artistId: ID!) {
  importProgress(artistId: $artistId) { importId stage progress sequence message }
}"""

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


@pytest.fixture
def ws_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"ws_connection_init_timeout": 0.5})


@pytest.fixture
async def server(
    db: str, ws_settings: Settings, redis_client: aioredis.Redis
) -> AsyncIterator[LiveServer]:
    async with running_server(ws_settings) as live:
        yield live


@pytest.fixture
async def running(db: str) -> Import:
    # A progress channel is named by the artist's id (and the Redis database
    # index): a rare id keeps events of test runs side by side apart.
    seeded = await seed_artist("Live", shows=0, songs=0, albums=0, artist_id=rare_id())
    return await seed_import(seeded.artist_id, ImportStage.QUEUED)


def artist_of(row: Import) -> str:
    return str(row.artist_id)  # type: ignore[attr-defined]


async def finish(redis: aioredis.Redis, row: Import) -> None:
    reporter = ProgressReporter(redis, row.id)
    await reporter.update(stage=ImportStage.SHOWS, progress=10.0, message="shows")
    await reporter.update(stage=ImportStage.SONGS, progress=40.0, message="songs")
    await reporter.update(stage=ImportStage.COMPLETED, progress=100.0, finished=True)


def transport(server: LiveServer) -> WebsocketsTransport:
    return WebsocketsTransport(
        url=server.ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
    )


async def collect_with_gql(
    server: LiveServer, artist_id: str, on_first: Callable[[], Awaitable[None]] | None
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    request = GraphQLRequest(PROGRESS, variable_values={"artistId": artist_id})
    async with Client(transport=transport(server)) as session:
        async for result in session.subscribe(request):
            events.append(result["importProgress"])
            if len(events) == 1 and on_first is not None:
                await on_first()
    return events


async def test_progress_arrives_in_order_and_completes_over_graphql_transport_ws(
    server: LiveServer, redis_client: aioredis.Redis, running: Import
) -> None:
    async def then_finish() -> None:
        await finish(redis_client, running)

    events = await asyncio.wait_for(
        collect_with_gql(server, artist_of(running), then_finish), 10
    )

    assert [(e["stage"], e["sequence"]) for e in events] == [
        ("QUEUED", 0),
        ("SHOWS", 1),
        ("SONGS", 2),
        ("COMPLETED", 3),
    ]
    assert events[-1]["progress"] == 100.0


async def test_a_late_subscriber_gets_the_final_state_and_completion(
    server: LiveServer, redis_client: aioredis.Redis, running: Import
) -> None:
    await finish(redis_client, running)
    events = await asyncio.wait_for(
        collect_with_gql(server, artist_of(running), None), 10
    )
    assert [(e["stage"], e["sequence"]) for e in events] == [("COMPLETED", 3)]


async def test_an_unknown_artist_fails_the_subscription_as_not_found(
    server: LiveServer,
) -> None:
    with pytest.raises(TransportQueryError) as caught:
        await asyncio.wait_for(collect_with_gql(server, "424242", None), 10)
    assert caught.value.errors is not None
    assert caught.value.errors[0]["extensions"]["code"] == "NOT_FOUND"


async def receive(ws: ClientConnection) -> dict[str, Any]:
    """The next protocol message, keep-alives skipped."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message.get("type") != "ka":
            return message  # type: ignore[no-any-return]


async def test_progress_arrives_in_order_and_completes_over_legacy_graphql_ws(
    server: LiveServer, redis_client: aioredis.Redis, running: Import
) -> None:
    async with websockets.connect(server.ws_url, subprotocols=[LEGACY_WS]) as ws:
        assert ws.subprotocol == LEGACY_WS
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert (await receive(ws))["type"] == "connection_ack"
        payload = {"query": PROGRESS, "variables": {"artistId": artist_of(running)}}
        await ws.send(json.dumps({"type": "start", "id": "p1", "payload": payload}))

        first = await receive(ws)
        await finish(redis_client, running)
        messages = [first]
        while messages[-1]["type"] != "complete":
            messages.append(await receive(ws))

    assert [m["type"] for m in messages] == ["data"] * 4 + ["complete"]
    assert all(m["id"] == "p1" for m in messages)
    stages = [m["payload"]["data"]["importProgress"]["stage"] for m in messages[:-1]]
    assert stages == ["QUEUED", "SHOWS", "SONGS", "COMPLETED"]


async def _subscribe_transport_ws(
    ws: ClientConnection, artist_id: str, op: str
) -> None:
    payload = {"query": PROGRESS, "variables": {"artistId": artist_id}}
    await ws.send(json.dumps({"type": "subscribe", "id": op, "payload": payload}))


async def _open_transport_ws(server: LiveServer) -> ClientConnection:
    ws = await websockets.connect(server.ws_url, subprotocols=[TRANSPORT_WS])
    await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
    assert (await receive(ws))["type"] == "connection_ack"
    return ws


async def drain(ws: ClientConnection) -> None:
    while True:
        await receive(ws)


async def named_connections(redis: aioredis.Redis, name: str) -> int:
    return sum(1 for c in await redis.client_list() if c.get("name") == name)


async def test_subscribers_that_come_and_go_leave_no_redis_connections_behind(
    server: LiveServer, redis_client: aioredis.Redis, running: Import
) -> None:
    hub = server.services.hub
    before = await named_connections(redis_client, hub.client_name)
    assert before == 1

    for cycle in range(200):
        ws = await _open_transport_ws(server)
        await _subscribe_transport_ws(ws, artist_of(running), f"op{cycle}")
        assert (await receive(ws))["type"] == "next"
        if cycle % 2:
            await ws.send(json.dumps({"type": "complete", "id": f"op{cycle}"}))
        # Half leave politely, half just hang up.
        await ws.close()

    async with asyncio.timeout(10):
        while hub.feed_count or hub.channel_count:  # noqa: ASYNC110 - no event to await
            await asyncio.sleep(0.02)
    numsub = await redis_client.pubsub_numsub(channel_for(running.artist_id))  # type: ignore[attr-defined]
    assert numsub[0][1] == 0
    assert await named_connections(redis_client, hub.client_name) == before


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_websocket_that_never_initialises_is_closed(
    server: LiveServer, protocol: str
) -> None:
    async with websockets.connect(server.ws_url, subprotocols=[protocol]) as ws:
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
    assert ws.close_code == 4408


async def test_a_repeated_subscription_id_closes_the_connection(
    server: LiveServer, running: Import
) -> None:
    ws = await _open_transport_ws(server)
    async with ws:
        await _subscribe_transport_ws(ws, artist_of(running), "same")
        await _subscribe_transport_ws(ws, artist_of(running), "same")
        with pytest.raises(websockets.ConnectionClosed):
            await drain(ws)
    assert ws.close_code == 4409


async def test_stopping_the_server_ends_streams_and_releases_redis(
    db: str, ws_settings: Settings, redis_client: aioredis.Redis, running: Import
) -> None:
    async with running_server(ws_settings) as server:
        name = server.services.hub.client_name
        ws = await _open_transport_ws(server)
        await _subscribe_transport_ws(ws, artist_of(running), "kept")
        assert (await receive(ws))["type"] == "next"
        assert await named_connections(redis_client, name) == 1

    with pytest.raises(websockets.ConnectionClosed):
        await drain(ws)
    assert await named_connections(redis_client, name) == 0
    numsub = await redis_client.pubsub_numsub(channel_for(running.artist_id))  # type: ignore[attr-defined]
    assert numsub[0][1] == 0


CANCEL = "mutation($id: ID!) { cancelImport(artistId: $id) { stage } }"


@pytest.mark.parametrize(
    ("init", "outcome"),
    [({}, "UNAUTHENTICATED"), ({"Authorization": "Bearer test-token"}, "CANCELLED")],
    ids=["no token", "token in connection_init"],
)
async def test_a_mutation_over_a_websocket_takes_its_token_from_connection_init(
    server: LiveServer, running: Import, init: dict[str, str], outcome: str
) -> None:
    ws = await websockets.connect(server.ws_url, subprotocols=[TRANSPORT_WS])
    async with ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert (await receive(ws))["type"] == "connection_ack"
        payload = {"query": CANCEL, "variables": {"id": artist_of(running)}}
        await ws.send(json.dumps({"type": "subscribe", "id": "m", "payload": payload}))
        result = (await receive(ws))["payload"]
    if outcome == "UNAUTHENTICATED":
        assert result["errors"][0]["extensions"]["code"] == outcome
    else:
        assert result["data"]["cancelImport"]["stage"] == outcome


BROKEN = "subscription { importProgress(artistId: 1) {"


async def test_a_broken_subscription_is_bad_input_and_the_connection_stays_usable(
    server: LiveServer, running: Import
) -> None:
    async with await _open_transport_ws(server) as ws:
        payload = {"query": BROKEN}
        await ws.send(
            json.dumps({"type": "subscribe", "id": "bad", "payload": payload})
        )
        refused = await receive(ws)
        await _subscribe_transport_ws(ws, artist_of(running), "good")
        accepted = await receive(ws)
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (accepted["type"], accepted["id"]) == ("next", "good")


async def test_a_broken_subscription_is_bad_input_over_legacy_graphql_ws(
    server: LiveServer,
) -> None:
    async with websockets.connect(server.ws_url, subprotocols=[LEGACY_WS]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(
            json.dumps({"type": "start", "id": "bad", "payload": {"query": BROKEN}})
        )
        refused = await receive(ws)
    assert refused["type"] == "error"
    assert refused["payload"]["extensions"]["code"] == "BAD_USER_INPUT"
