"""The served schema keeps the API contract: nothing renamed, dropped or narrowed."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from graphql import (
    GraphQLSchema,
    build_client_schema,
    build_schema,
    get_introspection_query,
)

from encore.settings import Settings
from tests.conftest import SAMPLES_DIR
from tests.resolvers.live import LiveServer, graphql_data, running_server
from tests.schema.contract import contract_problems

CONTRACT = Path(
    os.environ.get("ENCORE_API_CONTRACT", SAMPLES_DIR.parent / "api-contract.graphql")
)


@pytest.fixture(scope="module")
def contract_text() -> str:
    if not CONTRACT.is_file():
        pytest.fail(f"API contract not found at {CONTRACT}; set ENCORE_API_CONTRACT")
    return CONTRACT.read_text()


@pytest.fixture
async def served(database: str, settings: Settings) -> AsyncIterator[GraphQLSchema]:
    """The schema as a client sees it: introspected over HTTP."""
    async with running_server(settings) as server:
        yield await _introspect(server)


async def _introspect(server: LiveServer) -> GraphQLSchema:
    data = await graphql_data(server, get_introspection_query(descriptions=True))
    return build_client_schema(data)  # type: ignore[arg-type]


def test_the_served_schema_keeps_the_contract(
    contract_text: str, served: GraphQLSchema
) -> None:
    contract = build_schema(contract_text)
    assert len(contract.type_map) > 30
    assert contract_problems(contract, served) == []


@pytest.mark.parametrize(
    ("before", "after", "problem"),
    [
        (
            "  ticketUrl: String\n",
            "  ticketLink: String\n",
            "field Show.ticketLink is missing",
        ),
        ("Venue", "Place", "type Place is missing"),
        ("artist(id: ID,", "artist(uid: ID,", "argument Query.artist(uid) is missing"),
        (
            "  WRAP_UP\n",
            "  WRAPPING_UP\n",
            "enum value ImportStage.WRAPPING_UP is missing",
        ),
        (
            "  mbid: String\n  name: String\n}",
            "  mbid: String\n  artistName: String\n}",
            "input field ImportArtistInput.artistName is missing",
        ),
        (
            "  progress: Float!\n",
            "  progress: String!\n",
            "field ImportStatus.progress is Float!, not String!",
        ),
        (
            "  imageUrl: String\n",
            "  imageUrl: String!\n",
            "field Artist.imageUrl is String, not String!",
        ),
        (
            "shows(when: ShowWhen = ALL,",
            "shows(when: ShowWhen = ALL, near: String!,",
            "argument Artist.shows(near) is missing",
        ),
    ],
    ids=[
        "renamed field",
        "renamed type",
        "renamed argument",
        "renamed enum value",
        "renamed input field",
        "changed type",
        "nullable where the contract promises a value",
        "argument the server lacks",
    ],
)
def test_a_contract_the_server_does_not_keep_is_caught(
    contract_text: str, served: GraphQLSchema, before: str, after: str, problem: str
) -> None:
    assert before in contract_text
    changed = build_schema(contract_text.replace(before, after))
    assert problem in contract_problems(changed, served)
