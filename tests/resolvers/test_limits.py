"""Query bounds (depth, cost, aliases, page sizes, tokens) checked before validation."""

from __future__ import annotations

import time
from typing import Any

import pytest
from graphql import get_introspection_query, parse

from encore.settings import Settings
from resolvers.limits import QueryLimits, QueryTooLarge, check_query
from schema import EncoreSchema, create_schema


@pytest.fixture(scope="module")
def schema() -> EncoreSchema:
    return create_schema(Settings())


LIMITS = QueryLimits(max_depth=12, max_cost=20_000, max_aliases=30, max_tokens=5000)


def _check(
    schema: EncoreSchema,
    query: str,
    variables: dict[str, Any] | None = None,
    limits: QueryLimits = LIMITS,
) -> int:
    return check_query(schema._schema, parse(query), variables or {}, limits)


def _nested(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"artist {{ shows(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"
    return "{ show(id: 1) { " + inner + " } }"


async def _errors(
    schema: EncoreSchema, query: str, **variables: Any
) -> list[dict[str, Any]]:
    result = await schema.execute(query, variable_values=variables)
    assert result.errors, result
    return [e.formatted for e in result.errors]


def test_a_query_costs_the_objects_it_may_produce(schema: EncoreSchema) -> None:
    query = (
        "{ artists(first: 10) { totalCount pageInfo { hasNextPage } edges { node {"
        " name shows(first: 5) { totalCount edges { node { setlist { sets {"
        " entries { title } } } } } } } } } }"
    )
    # artists and its pageInfo once; 10 edges, 10 nodes and their 10 shows;
    # 50 edges, 50 nodes, 50 setlists, 2 sets each, 20 entries a set.
    assert _check(schema, query) == 2 + 3 * 10 + 3 * 50 + 100 + 2000


def test_page_sizes_come_from_variables_and_defaults(schema: EncoreSchema) -> None:
    query = "query($n: Int) { artists(first: $n) { edges { node { name } } } }"
    assert _check(schema, query, {"n": 3}) == 1 + 3 * 2
    # Not given: the argument's default of 20.
    assert _check(schema, query) == 1 + 20 * 2
    declared = "query($n: Int = 7) { artists(first: $n) { edges { node { name } } } }"
    assert _check(schema, declared) == 1 + 7 * 2


def test_a_page_of_a_hundred_shows_with_their_setlists_is_affordable(
    schema: EncoreSchema,
) -> None:
    query = (
        '{ artist(id: "1") { shows(first: 100) { totalCount edges { node {'
        " venue { name } setlist { sets { entries { title song { title } } } } }"
        " } } } }"
    )
    assert _check(schema, query) < LIMITS.max_cost
    nested = query.replace('artist(id: "1")', "artists(first: 20) { edges { node")
    with pytest.raises(QueryTooLarge, match="cost more than 20000"):
        _check(schema, nested + " } }")


@pytest.mark.parametrize("first", [-1, 101, 10_000])
def test_a_page_size_out_of_bounds_is_refused(schema: EncoreSchema, first: int) -> None:
    with pytest.raises(QueryTooLarge, match="first must be between 0 and 100"):
        _check(schema, f"{{ artists(first: {first}) {{ totalCount }} }}")
    with pytest.raises(QueryTooLarge, match="first must be between 0 and 100"):
        _check(
            schema, "query($n: Int) { artists(first: $n) { totalCount } }", {"n": first}
        )


def test_depth_counts_through_fragments(schema: EncoreSchema) -> None:
    assert _check(schema, _nested(2)) > 0
    deep = "{ show(id: 1) { ...A } } fragment A on Show { artist { shows(first: 1) { edges { node { ...B } } } } } fragment B on Show { artist { shows(first: 1) { edges { node { artist { shows(first: 1) { edges { node { artist { name } } } } } } } } } }"  # noqa: E501
    with pytest.raises(QueryTooLarge, match="nested more than 12"):
        _check(schema, deep)


def test_a_fragment_cycle_is_left_to_validation(schema: EncoreSchema) -> None:
    cyclic = "{ show(id: 1) { ...A } } fragment A on Show { artist { shows { edges { node { ...A } } } } }"  # noqa: E501
    assert _check(schema, cyclic) > 0


def test_fragments_spread_many_times_are_refused_without_expanding_them_all(
    schema: EncoreSchema,
) -> None:
    levels = ["fragment F0 on Artist { name }"]
    for i in range(1, 9):
        spreads = " ".join([f"...F{i - 1}"] * 10)
        levels.append(f"fragment F{i} on Artist {{ {spreads} }}")
    bomb = "{ artist(id: 1) { ...F8 } } " + " ".join(levels)
    started = time.process_time()
    with pytest.raises(QueryTooLarge, match="more than 20000 fields"):
        _check(schema, bomb)
    # 10^8 expansions if walked in full; bounded by the cost limit instead.
    assert time.process_time() - started < 5


def test_introspection_is_within_bounds(schema: EncoreSchema) -> None:
    assert _check(schema, get_introspection_query(descriptions=True)) < LIMITS.max_cost


async def test_too_many_aliases_are_refused_before_validation(
    schema: EncoreSchema,
) -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(31))
    errors = await _errors(schema, f"{{ {aliases} }}")
    assert errors[0]["message"] == "the query has 31 aliases; at most 30 are allowed"
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_an_over_long_document_stops_parsing_at_the_token_limit(
    schema: EncoreSchema,
) -> None:
    huge = "{ " + " ".join(f"a{i}: __typename" for i in range(5000)) + " }"
    errors = await _errors(schema, huge)
    assert "more than 5000 tokens" in errors[0]["message"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_limit_error_comes_before_any_resolver_or_validation(
    schema: EncoreSchema,
) -> None:
    # An unknown field would be a validation error; the bound is reported
    # instead, since validation never ran.
    errors = await _errors(schema, "{ artists(first: 500) { nonsense } }")
    assert [e["message"] for e in errors] == [
        "first must be between 0 and 100, not 500"
    ]


async def test_the_full_introspection_query_runs(schema: EncoreSchema) -> None:
    result = await schema.execute(get_introspection_query(descriptions=True))
    assert result.errors is None
    assert result.data is not None


async def test_recursive_introspection_is_refused(schema: EncoreSchema) -> None:
    query = (
        "{ __schema { types { fields { type { fields { type {"
        " fields { name } } } } } } } }"
    )
    errors = await _errors(schema, query)
    assert errors[0]["message"] == "Maximum introspection depth exceeded"
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT"}
