"""The GraphQL schema: Strawberry types over the resolvers, and the Schema object."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache
from strawberry.types import ExecutionContext

from encore.settings import Settings
from resolvers.errors import report
from resolvers.limits import QueryLimits, QueryLimitsExtension
from schema.mutation import Mutation
from schema.query import Query
from schema.subscription import Subscription

__all__ = ["EncoreSchema", "create_schema"]

PARSED_DOCUMENTS = 256


class DocumentCache(ParserCache):
    """Strawberry's parser cache, leaving documents that do not parse to
    Strawberry's own parse step, which reports them in each transport's way
    (the cache's error would escape as a crash of a websocket operation)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


class EncoreSchema(strawberry.Schema):
    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        report(errors, execution_context)


def create_schema(settings: Settings) -> EncoreSchema:
    limits = QueryLimits.from_settings(settings)
    return EncoreSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            functools.partial(QueryLimitsExtension, limits),
            # Clients send the same few documents again and again (every
            # subscriber of a progress stream, every page of a list).
            functools.partial(DocumentCache, maxsize=PARSED_DOCUMENTS),
        ],
    )
