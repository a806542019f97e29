"""A generated artist's import followed live in both websocket protocols."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
import websockets
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from websockets.typing import Subprotocol

from tests.e2e.conftest import PROGRESS_SUBSCRIPTION, Stack

pytestmark = pytest.mark.e2e

MIDNIGHT_OWLS = "K8vZ917cDJS"
FOLLOW_SECONDS = 90.0
WORK_STAGES = ["IDENTITY", "SHOWS", "SONGS", "SETLISTS", "WRAP_UP"]

UPCOMING_PAGE = """
query($id: ID!, $after: String) {
  artist(id: $id) {
    shows(when: UPCOMING, first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { date status ticketmasterId predictedSetlist { kind } } }
    }
  }
}
"""
PAST_PAGE = """
query($id: ID!, $after: String) {
  artist(id: $id) {
    shows(when: PAST, first: 25, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        date setlistfmId
        setlist { kind sets { encore entries { title isTape song { title } } } }
      } }
    }
  }
}
"""
SONGS_PAGE = """
query($id: ID!, $after: String) {
  artist(id: $id) {
    songs(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { title timesPlayed } }
    }
  }
}
"""


Events = list[dict[str, Any]]
FollowFunction = Callable[[Stack, str, asyncio.Event], Coroutine[Any, Any, Events]]


@pytest.fixture(scope="module")
async def stack(e2e_stack: Stack) -> Stack:
    await e2e_stack.start()
    return e2e_stack


async def follow_with_gql(
    stack: Stack, artist_id: str, subscribed: asyncio.Event
) -> Events:
    """Every event a graphql-transport-ws subscriber receives, via gql."""
    transport = WebsocketsTransport(
        url=stack.ws_url, subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL]
    )
    request = GraphQLRequest(PROGRESS_SUBSCRIPTION, variable_values={"id": artist_id})
    events: Events = []
    async with Client(transport=transport) as session:
        assert transport.subprotocol == "graphql-transport-ws"
        async for result in session.subscribe(request):
            events.append(result["importProgress"])
            subscribed.set()
    return events


async def follow_with_graphql_ws(
    stack: Stack, artist_id: str, subscribed: asyncio.Event
) -> Events:
    """Every event a client of the older graphql-ws protocol receives."""
    events: Events = []
    async with websockets.connect(
        stack.ws_url, subprotocols=[Subprotocol("graphql-ws")]
    ) as ws:
        assert ws.subprotocol == "graphql-ws"
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        start = {
            "id": "progress",
            "type": "start",
            "payload": {"query": PROGRESS_SUBSCRIPTION, "variables": {"id": artist_id}},
        }
        await ws.send(json.dumps(start))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "ka":
                continue
            if message["type"] == "complete":
                assert message["id"] == "progress"
                return events
            assert message["type"] == "data", message
            assert not message["payload"].get("errors"), message
            events.append(message["payload"]["data"]["importProgress"])
            subscribed.set()


class Follower:
    """One subscriber running in a task of its own."""

    def __init__(self, follow: FollowFunction, stack: Stack, artist_id: str) -> None:
        self.subscribed = asyncio.Event()
        self.task = asyncio.create_task(follow(stack, artist_id, self.subscribed))

    async def first_event(self, seconds: float) -> None:
        """Returns once the snapshot came; the follower's own error if it failed."""
        waiter = asyncio.create_task(self.subscribed.wait())
        await asyncio.wait(
            {self.task, waiter}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
        )
        waiter.cancel()
        if self.task.done():
            self.task.result()
        assert self.subscribed.is_set(), f"no snapshot within {seconds} s"

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def all_pages(
    stack: Stack, query: str, field: str, **variables: Any
) -> tuple[int, list[dict[str, Any]]]:
    """The total count and every node of one of the artist's connections."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        data = await stack.graphql(query, {**variables, "after": after})
        connection = data["artist"][field]
        nodes += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return connection["totalCount"], nodes
        after = connection["pageInfo"]["endCursor"]


async def test_both_protocols_see_the_same_ordered_events_until_completed(
    stack: Stack,
) -> None:
    # No worker yet: the import waits as QUEUED until both are subscribed,
    # so both streams start from the same snapshot.
    for worker in stack.workers():
        await stack.stop(worker)
    started = await stack.import_artist(ticketmasterId=MIDNIGHT_OWLS)
    assert started["importStatus"]["stage"] == "QUEUED"
    artist_id = started["artist"]["id"]
    modern = Follower(follow_with_gql, stack, artist_id)
    legacy = Follower(follow_with_graphql_ws, stack, artist_id)
    try:
        await modern.first_event(15)
        await legacy.first_event(15)
        stack.start_worker()
        by_gql, by_graphql_ws = await asyncio.wait_for(
            asyncio.gather(modern.task, legacy.task), FOLLOW_SECONDS
        )
    finally:
        await modern.stop()
        await legacy.stop()

    assert by_gql == by_graphql_ws
    sequences = [event["sequence"] for event in by_gql]
    assert sequences == sorted(set(sequences)), sequences
    progress = [event["progress"] for event in by_gql]
    assert progress == sorted(progress)
    assert by_gql[0]["stage"] == "QUEUED"
    assert by_gql[-1]["stage"] == "COMPLETED", by_gql[-1]
    assert by_gql[-1]["progress"] == 100.0
    stages = list(dict.fromkeys(event["stage"] for event in by_gql))
    assert stages == ["QUEUED", *WORK_STAGES, "COMPLETED"]


async def test_the_imported_artist_has_its_shows_songs_and_setlists(
    stack: Stack,
) -> None:
    truth = await stack.sandbox("GET", f"/artists/{MIDNIGHT_OWLS}")
    if not stack.workers():
        stack.start_worker()
    started = await stack.import_artist(ticketmasterId=MIDNIGHT_OWLS)
    artist_id = started["artist"]["id"]
    final = await stack.wait_for_import(artist_id)
    assert final["stage"] == "COMPLETED", final
    # A subscriber arriving after the end gets the final state, then the end.
    late = await asyncio.wait_for(
        follow_with_graphql_ws(stack, artist_id, asyncio.Event()), 15
    )
    assert late == [final]

    song_count, songs = await all_pages(stack, SONGS_PAGE, "songs", id=artist_id)
    titles = [song["title"] for song in songs]
    assert song_count == len(songs) == truth["studio_songs"]
    assert len(set(titles)) == len(titles)
    assert sum(song["timesPlayed"] for song in songs) > 0

    _, upcoming = await all_pages(stack, UPCOMING_PAGE, "shows", id=artist_id)
    on_sale = [show for show in upcoming if show["ticketmasterId"]]
    # Events whose date is not announced yet are upcoming too.
    assert len(on_sale) == truth["events"]
    assert sum(show["date"] is None for show in on_sale) == truth["undated_events"]
    going_ahead = [show for show in on_sale if show["status"] != "CANCELLED"]
    assert going_ahead
    assert all(show["predictedSetlist"] for show in going_ahead)

    _, past = await all_pages(stack, PAST_PAGE, "shows", id=artist_id)
    played = [show["setlist"] for show in past if show["setlist"]]
    assert len(played) == truth["setlists"]
    entries = [
        entry for setlist in played for s in setlist["sets"] for entry in s["entries"]
    ]
    matched = [e for e in entries if e["song"] is not None]
    assert matched
    assert all(e["song"]["title"] in set(titles) for e in matched)
