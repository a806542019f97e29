"""The statements a query runs depend on its shape, not on how many rows it returns."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from encore.settings import Settings
from tests.resolvers.live import (
    LiveServer,
    counted_statements,
    graphql_data,
    running_server,
)
from tests.resolvers.seed import seed_artist

NESTED = """query($artistId: ID!, $first: Int!) {
  shows(artistId: $artistId, first: $first) {
    totalCount
    edges { node {
      date
      artist { name }
      venue { name city }
      setlist { kind sets { name encore entries {
        position title isTape song { title timesPlayed album { title } }
      } } }
      predictedSetlist { sets { entries { title } } }
    } }
  }
}"""

# Each loader is used at one level only: loads of one loader from two levels
# may share a batch or not, depending on which statement answers first.
BY_ARTIST = """query($artistId: ID!, $first: Int!) {
  artist(id: $artistId) {
    shows(first: $first) { totalCount edges { node {
      venue { name }
      setlist { sets { entries { song { title } } } }
    } } }
  }
  artists(first: 20) { edges { node {
    songs(first: 3) { totalCount edges { node { title album { title } } } }
    albums(first: 2) { edges { node { title songs { title } } } }
    shows(first: 2, when: PAST) { edges { node { name } } }
    importStatus { stage }
  } } }
}"""


@pytest.fixture
async def server(db: str, settings: Settings) -> AsyncIterator[LiveServer]:
    async with running_server(settings) as live:
        yield live


async def _statements(
    server: LiveServer, query: str, artist_id: int, first: int
) -> list[str]:
    async with counted_statements() as statements:
        data = await graphql_data(
            server, query, {"artistId": str(artist_id), "first": first}
        )
    assert data
    return list(statements)


@pytest.mark.parametrize("query", [NESTED, BY_ARTIST], ids=["shows", "artists"])
async def test_fifty_shows_take_as_many_statements_as_five(
    server: LiveServer, query: str
) -> None:
    small = await seed_artist("Small", shows=5, entries=12, songs=30, predicted=True)
    large = await seed_artist("Large", shows=50, entries=12, songs=30, predicted=True)
    for i in range(8):
        await seed_artist(f"Filler {i}", shows=3, entries=4, songs=5)

    few = await _statements(server, query, small.artist_id, 5)
    many = await _statements(server, query, large.artist_id, 50)

    assert len(few) == len(many), (few, many)
    # Not vacuous: the statements were seen, one per loader level.
    assert 6 <= len(few) <= 20
    assert any("setlist_entry" in s for s in many)
