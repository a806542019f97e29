"""Whether a served schema keeps a contract: every type, field, argument and enum
value of the contract present, with a type a contract client can still use."""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    is_required_argument,
    is_required_input_field,
)


def _show(type_: GraphQLType) -> str:
    return str(type_)


def output_keeps(served: GraphQLType, contract: GraphQLType) -> bool:
    """A client expecting ``contract`` can read ``served``: it may be stricter
    (non-null where the contract allows null), never looser or another type."""
    if isinstance(contract, GraphQLNonNull):
        return isinstance(served, GraphQLNonNull) and output_keeps(
            served.of_type, contract.of_type
        )
    if isinstance(served, GraphQLNonNull):
        return output_keeps(served.of_type, contract)
    if isinstance(contract, GraphQLList):
        return isinstance(served, GraphQLList) and output_keeps(
            served.of_type, contract.of_type
        )
    return (
        not isinstance(served, GraphQLList)
        and isinstance(served, GraphQLNamedType)
        and isinstance(contract, GraphQLNamedType)
        and served.name == contract.name
    )


def input_keeps(served: GraphQLType, contract: GraphQLType) -> bool:
    """Whatever a client may send under ``contract`` the server accepts: it
    may be looser (nullable where the contract says non-null), never stricter."""
    if isinstance(served, GraphQLNonNull):
        return isinstance(contract, GraphQLNonNull) and input_keeps(
            served.of_type, contract.of_type
        )
    if isinstance(contract, GraphQLNonNull):
        return input_keeps(served, contract.of_type)
    if isinstance(contract, GraphQLList):
        return isinstance(served, GraphQLList) and input_keeps(
            served.of_type, contract.of_type
        )
    return (
        not isinstance(served, GraphQLList)
        and isinstance(served, GraphQLNamedType)
        and isinstance(contract, GraphQLNamedType)
        and served.name == contract.name
    )


def contract_problems(contract: GraphQLSchema, served: GraphQLSchema) -> list[str]:
    """Everything of ``contract`` that ``served`` renames, drops or narrows."""
    problems: list[str] = []
    for name in ("query_type", "mutation_type", "subscription_type"):
        wanted = getattr(contract, name)
        got = getattr(served, name)
        if wanted is not None and (got is None or got.name != wanted.name):
            problems.append(f"root {name}: expected {wanted.name}")
    for name, wanted_type in contract.type_map.items():
        if name.startswith("__"):
            continue
        got_type = served.type_map.get(name)
        if got_type is None:
            problems.append(f"type {name} is missing")
        elif type(got_type) is not type(wanted_type):
            problems.append(f"type {name} is a {type(got_type).__name__}")
        else:
            problems.extend(_type_problems(name, wanted_type, got_type))
    return problems


def _type_problems(
    name: str, wanted: GraphQLNamedType, got: GraphQLNamedType
) -> list[str]:
    if isinstance(wanted, GraphQLEnumType) and isinstance(got, GraphQLEnumType):
        missing = set(wanted.values) - set(got.values)
        return [f"enum value {name}.{value} is missing" for value in sorted(missing)]
    if isinstance(wanted, GraphQLInputObjectType) and isinstance(
        got, GraphQLInputObjectType
    ):
        return _input_object_problems(name, wanted, got)
    if isinstance(wanted, GraphQLObjectType | GraphQLInterfaceType) and isinstance(
        got, GraphQLObjectType | GraphQLInterfaceType
    ):
        return _object_problems(name, wanted, got)
    return []


def _object_problems(
    name: str,
    wanted: GraphQLObjectType | GraphQLInterfaceType,
    got: GraphQLObjectType | GraphQLInterfaceType,
) -> list[str]:
    problems = []
    for field_name, wanted_field in wanted.fields.items():
        where = f"{name}.{field_name}"
        got_field = got.fields.get(field_name)
        if got_field is None:
            problems.append(f"field {where} is missing")
            continue
        if not output_keeps(got_field.type, wanted_field.type):
            problems.append(
                f"field {where} is {_show(got_field.type)}, "
                f"not {_show(wanted_field.type)}"
            )
        problems.extend(_argument_problems(where, wanted_field.args, got_field.args))
    return problems


def _argument_problems(
    where: str, wanted: dict[str, GraphQLArgument], got: dict[str, GraphQLArgument]
) -> list[str]:
    problems = []
    for arg_name, wanted_arg in wanted.items():
        got_arg = got.get(arg_name)
        if got_arg is None:
            problems.append(f"argument {where}({arg_name}) is missing")
        elif not input_keeps(got_arg.type, wanted_arg.type):
            problems.append(
                f"argument {where}({arg_name}) is {_show(got_arg.type)}, "
                f"not {_show(wanted_arg.type)}"
            )
        elif is_required_argument(got_arg) and not is_required_argument(wanted_arg):
            problems.append(f"argument {where}({arg_name}) lost its default")
    for arg_name, got_arg in got.items():
        if arg_name not in wanted and is_required_argument(got_arg):
            problems.append(f"argument {where}({arg_name}) is new and required")
    return problems


def _input_object_problems(
    name: str, wanted: GraphQLInputObjectType, got: GraphQLInputObjectType
) -> list[str]:
    problems = []
    for field_name, wanted_field in wanted.fields.items():
        got_field = got.fields.get(field_name)
        if got_field is None:
            problems.append(f"input field {name}.{field_name} is missing")
        elif not input_keeps(got_field.type, wanted_field.type):
            problems.append(
                f"input field {name}.{field_name} is {_show(got_field.type)}, "
                f"not {_show(wanted_field.type)}"
            )
    for field_name, got_field in got.fields.items():
        if field_name not in wanted.fields and is_required_input_field(got_field):
            problems.append(f"input field {name}.{field_name} is new and required")
    return problems
