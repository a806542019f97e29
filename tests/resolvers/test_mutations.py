"""Mutations over HTTP: bearer tokens, the per-token rate, and what they start."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from encore.settings import Settings
from jobs.runtime import make_queue
from models import Import, ImportStage
from tests.resolvers.live import LiveServer, error_codes, post_graphql, running_server
from tests.resolvers.seed import rare_id, seed_artist

SPOTIFY_ID = "4yIwNsMNHDN1yzz4Ajk6hR"
TOKENS = "token-one,token-two"

IMPORT = """mutation($input: ImportArtistInput!) {
  importArtist(input: $input) {
    alreadyRunning
    artist { id name }
    importStatus { importId artistId stage sequence }
  }
}"""

CANCEL = """mutation($artistId: ID!) {
  cancelImport(artistId: $artistId) { stage finishedAt }
}"""


@pytest.fixture
def mutation_settings() -> Settings:
    return Settings(api_tokens=TOKENS, mutation_rate_per_minute=3)  # type: ignore[arg-type]


@pytest.fixture
async def server(
    db: str, mutation_settings: Settings, redis_client: aioredis.Redis
) -> AsyncIterator[LiveServer]:
    async with running_server(mutation_settings) as live:
        yield live


async def _queued_jobs(settings: Settings) -> int:
    queue = make_queue(settings)
    try:
        return int(await queue.count("queued"))
    finally:
        await queue.disconnect()


@pytest.mark.parametrize(
    "token",
    [None, "not-a-token", "token-one-and-more"],
    ids=["none", "unknown", "longer"],
)
async def test_a_mutation_without_a_valid_token_is_refused_and_starts_nothing(
    server: LiveServer, mutation_settings: Settings, token: str | None
) -> None:
    seeded = await seed_artist(
        "Guarded", shows=0, spotify_id=SPOTIFY_ID, artist_id=rare_id()
    )
    variables = {"input": {"spotifyId": SPOTIFY_ID}}

    status, body = await post_graphql(server, IMPORT, variables, token=token)
    assert status == 200
    assert error_codes(body) == ["UNAUTHENTICATED"]
    _, cancel = await post_graphql(
        server, CANCEL, {"artistId": str(seeded.artist_id)}, token=token
    )
    assert error_codes(cancel) == ["UNAUTHENTICATED"]

    assert await Import.all().count() == 0
    assert await _queued_jobs(mutation_settings) == 0


async def test_a_valid_token_starts_an_import_once_and_joins_it_after(
    server: LiveServer, mutation_settings: Settings
) -> None:
    seeded = await seed_artist(
        "Started", shows=0, spotify_id=SPOTIFY_ID, artist_id=rare_id()
    )
    variables = {"input": {"spotifyId": SPOTIFY_ID}}

    _, first = await post_graphql(server, IMPORT, variables, token="token-one")
    _, second = await post_graphql(server, IMPORT, variables, token="token-two")

    started = first["data"]["importArtist"]
    assert started["alreadyRunning"] is False
    assert started["artist"] == {"id": str(seeded.artist_id), "name": "Started"}
    assert started["importStatus"]["stage"] == "QUEUED"
    assert started["importStatus"]["artistId"] == str(seeded.artist_id)
    joined = second["data"]["importArtist"]
    assert joined["alreadyRunning"] is True
    assert joined["importStatus"]["importId"] == started["importStatus"]["importId"]
    assert await Import.all().count() == 1
    assert await _queued_jobs(mutation_settings) == 1


async def test_cancelling_stops_the_running_import(server: LiveServer) -> None:
    seeded = await seed_artist(
        "Stopped", shows=0, spotify_id=SPOTIFY_ID, artist_id=rare_id()
    )
    await post_graphql(
        server, IMPORT, {"input": {"spotifyId": SPOTIFY_ID}}, token="token-one"
    )

    _, body = await post_graphql(
        server, CANCEL, {"artistId": str(seeded.artist_id)}, token="token-one"
    )

    assert body["data"]["cancelImport"]["stage"] == "CANCELLED"
    assert body["data"]["cancelImport"]["finishedAt"] is not None
    row = await Import.get(artist_id=seeded.artist_id)
    assert row.stage == ImportStage.CANCELLED


async def test_cancelling_for_an_unknown_artist_is_not_found(
    server: LiveServer,
) -> None:
    _, body = await post_graphql(
        server, CANCEL, {"artistId": "123456"}, token="token-one"
    )
    assert error_codes(body) == ["NOT_FOUND"]


async def test_import_input_needs_exactly_one_key(server: LiveServer) -> None:
    variables = {"input": {"spotifyId": SPOTIFY_ID, "name": "Both"}}
    _, body = await post_graphql(server, IMPORT, variables, token="token-one")
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert await Import.all().count() == 0


async def test_mutations_past_the_rate_of_a_token_are_refused(
    server: LiveServer,
) -> None:
    await seed_artist("Busy", shows=0, spotify_id=SPOTIFY_ID, artist_id=rare_id())
    variables = {"input": {"spotifyId": SPOTIFY_ID}}
    # The count is per calendar minute: start well inside one, so the four
    # requests share a window (a boundary in between would reset it).
    left = 60 - time.time() % 60
    if left < 10:
        await asyncio.sleep(left + 0.1)
    minute = int(time.time() // 60)
    bodies = [
        (await post_graphql(server, IMPORT, variables, token="token-one"))[1]
        for _ in range(4)
    ]
    assert int(time.time() // 60) == minute, "four requests took over 10 s"
    codes = [error_codes(body)[0] if "errors" in body else "OK" for body in bodies]
    assert codes == ["OK", "OK", "OK", "RATE_LIMITED"]
    assert 0 < bodies[3]["errors"][0]["extensions"]["retryAfter"] <= 60
    _, other = await post_graphql(server, IMPORT, variables, token="token-two")
    assert "errors" not in other
