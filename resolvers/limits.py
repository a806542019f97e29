"""Bounds on what one query may ask, checked before it is validated or run.

Parsing stops at a token limit; then one walk over the document counts
aliases, depth and cost, and checks every ``first``. The walk runs before
graphql-core's own validation, whose overlapping-fields rule grows with the
square of the fields asked, so an oversized query is refused for the price
of reading it once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import SchemaExtension

from encore.settings import Settings
from resolvers.pagination import MAX_PAGE_SIZE

# Rows a list field without ``first`` is expected to hold, for the cost.
LIST_SIZES: dict[tuple[str, str], int] = {
    ("Setlist", "sets"): 2,
    ("SetlistSet", "entries"): 20,
    ("Album", "songs"): 15,
}
DEFAULT_LIST_SIZE = 10


@dataclass(frozen=True, slots=True)
class QueryLimits:
    max_depth: int
    max_cost: int
    max_aliases: int
    max_tokens: int
    max_page_size: int = MAX_PAGE_SIZE

    @classmethod
    def from_settings(cls, settings: Settings) -> QueryLimits:
        return cls(
            max_depth=settings.max_query_depth,
            max_cost=settings.max_query_cost,
            max_aliases=settings.max_query_aliases,
            max_tokens=settings.max_query_tokens,
        )


class QueryTooLarge(Exception):
    """One of the bounds is exceeded; the message says which and by how much."""


class QueryLimitsExtension(SchemaExtension):
    """Refuses, as BAD_USER_INPUT, a query over any bound, before it runs."""

    def __init__(self, limits: QueryLimits) -> None:
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.limits.max_tokens
        # Introspection is exempt from the depth bound (its type references
        # nest deeper than any query of data needs); this rule bounds it.
        context.validation_rules = (
            *context.validation_rules,
            MaxIntrospectionDepthRule,
        )
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            try:
                check_query(
                    context.schema._schema,
                    document,
                    context.variables or {},
                    self.limits,
                )
            except QueryTooLarge as exc:
                # Errors set here stand in for validation, which is skipped.
                context.pre_execution_errors = [
                    GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"})
                ]
        yield


def check_query(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any],
    limits: QueryLimits,
) -> int:
    """The query's cost; raises QueryTooLarge when it is over a bound."""
    aliases = sum(1 for node in _field_nodes(document) if node.alias is not None)
    if aliases > limits.max_aliases:
        raise QueryTooLarge(
            f"the query has {aliases} aliases; at most {limits.max_aliases} are allowed"
        )
    fragments = {
        d.name.value: d
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    cost = 0
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        root = schema.get_root_type(operation.operation)
        if root is not None:
            walk = _Walk(
                schema, fragments, _variable_values(operation, variables), limits
            )
            walk.selections(
                operation.selection_set, root, _Level(1, 1, False), frozenset()
            )
            cost += walk.cost
    return cost


def _field_nodes(document: DocumentNode) -> Iterator[FieldNode]:
    stack: list[SelectionSetNode] = [
        d.selection_set for d in document.definitions if hasattr(d, "selection_set")
    ]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection
            if getattr(selection, "selection_set", None) is not None:
                stack.append(selection.selection_set)  # type: ignore[attr-defined]


def _variable_values(
    operation: OperationDefinitionNode, given: Mapping[str, Any]
) -> dict[str, Any]:
    """The operation's variables as sent, falling back to declared defaults."""
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in given:
            values[name] = given[name]
        elif isinstance(definition.default_value, IntValueNode):
            values[name] = int(definition.default_value.value)
    return values


@dataclass(frozen=True, slots=True)
class _Level:
    depth: int
    # How many times a field here is expected to resolve.
    multiplier: int
    introspection: bool
    # The ``first`` of the connection this level is the inside of.
    page: int | None = None


class _Walk:
    """Depth-first over the selections, fragments expanded, cost accumulated.

    The cost is the number of objects the query is expected to produce: an
    object field counts once each time it resolves, a list field once per
    item (a connection's edges as many as its ``first``, other lists by
    ``LIST_SIZES``); scalars are free. The walk stops as soon as a bound is
    passed, and visits no more fields than the cost limit, so its own work is
    bounded too.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        limits: QueryLimits,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.cost = 0
        self.visits = 0

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: Any,
        level: _Level,
        visiting: frozenset[str],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent, level, visiting)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = (
                    self.schema.get_type(condition.name.value) if condition else parent
                )
                if is_composite_type(target):
                    self.selections(selection.selection_set, target, level, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A cycle is left for validation to report.
                if fragment is None or name in visiting:
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                if is_composite_type(target):
                    self.selections(
                        fragment.selection_set, target, level, visiting | {name}
                    )

    def field(
        self,
        node: FieldNode,
        parent: Any,
        level: _Level,
        visiting: frozenset[str],
    ) -> None:
        self.visits += 1
        if self.visits > self.limits.max_cost:
            raise QueryTooLarge(
                f"the query asks for more than {self.limits.max_cost} fields "
                "once its fragments are expanded"
            )
        if level.depth > self.limits.max_depth and not level.introspection:
            raise QueryTooLarge(
                f"the query is nested more than {self.limits.max_depth} levels deep"
            )
        definition = self._definition(parent, node.name.value)
        if definition is None or node.selection_set is None:
            return
        target = get_named_type(definition.type)
        if not is_composite_type(target):
            return
        factor, page = self._sizes(parent, node, definition, level)
        multiplier = level.multiplier * factor
        self.cost += multiplier
        if self.cost > self.limits.max_cost:
            raise QueryTooLarge(
                f"the query would cost more than {self.limits.max_cost} "
                "(each object counts once per time it is expected to resolve)"
            )
        introspection = level.introspection or node.name.value.startswith("__")
        below = _Level(level.depth + 1, multiplier, introspection, page)
        self.selections(node.selection_set, target, below, visiting)

    def _definition(self, parent: Any, name: str) -> GraphQLField | None:
        if parent is self.schema.query_type:
            if name == "__schema":
                return SchemaMetaFieldDef
            if name == "__type":
                return TypeMetaFieldDef
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def _sizes(
        self, parent: Any, node: FieldNode, definition: GraphQLField, level: _Level
    ) -> tuple[int, int | None]:
        """How many objects the field yields each time, and the page size its
        connection hands to its edges."""
        first = definition.args.get("first")
        if first is not None:
            size = self._int_argument(node, "first", first)
            if size is not None and not 0 <= size <= self.limits.max_page_size:
                raise QueryTooLarge(
                    f"first must be between 0 and {self.limits.max_page_size}, "
                    f"not {size}"
                )
            return 1, max(size or 0, 1)
        if not is_list_type(get_nullable_type(definition.type)):
            return 1, None
        if parent.name.endswith("Connection"):
            return level.page or DEFAULT_LIST_SIZE, None
        # Introspection lists are small and bounded by the schema.
        if level.introspection or parent.name.startswith("__"):
            return 1, None
        return LIST_SIZES.get((parent.name, node.name.value), DEFAULT_LIST_SIZE), None

    def _int_argument(
        self, node: FieldNode, name: str, definition: GraphQLArgument
    ) -> int | None:
        argument = next((a for a in node.arguments or () if a.name.value == name), None)
        if argument is None or isinstance(argument.value, NullValueNode):
            default = definition.default_value
            return default if isinstance(default, int) else None
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = self.variables.get(value.name.value)
            # bool is an int to Python, not to GraphQL.
            if isinstance(given, int) and not isinstance(given, bool):
                return given
            if given is None:
                default = definition.default_value
                return default if isinstance(default, int) else None
        return None
