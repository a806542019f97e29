"""How failures reach clients: expected ones with their code, surprises masked.

An error raised on purpose carries a ``code`` (every kind in encore.errors
does, and so do the upstream clients' errors); the client sees its message
and that code. An error graphql-core raises about the document itself
(syntax, unknown fields, wrong argument types) is the client's input, so
BAD_USER_INPUT. Anything else is logged with its trace and shown only as
INTERNAL_SERVER_ERROR, with no detail.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionContext

log = logging.getLogger(__name__)

BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL = "INTERNAL_SERVER_ERROR"
INTERNAL_MESSAGE = "Internal server error"


def error_code(error: GraphQLError) -> str:
    cause: BaseException | None = error
    # graphql-core wraps its own errors (a variable that does not coerce,
    # say) in others: the innermost decides.
    while isinstance(cause, GraphQLError):
        given = (cause.extensions or {}).get("code")
        if isinstance(given, str):
            return given
        cause = cause.original_error
    if cause is None:
        return BAD_USER_INPUT
    code = getattr(cause, "code", None)
    return code if isinstance(code, str) else INTERNAL


def present(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it: a code always, internals never."""
    code = error_code(error)
    if code == INTERNAL:
        return GraphQLError(
            INTERNAL_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": INTERNAL},
        )
    extensions: dict[str, Any] = {**(error.extensions or {}), "code": code}
    retry_after = getattr(error.original_error, "retry_after", None)
    if isinstance(retry_after, int | float):
        extensions["retryAfter"] = round(retry_after, 1)
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


def report(errors: list[GraphQLError], context: ExecutionContext | None) -> None:
    """Log surprises with their trace, then present every error in place.

    Strawberry hands every list of errors it is about to return here (the
    schema's ``process_errors``), whichever step they came from, streamed or
    not; the list is the result's own, so presenting it in place is what the
    client receives.
    """
    operation = context.operation_name if context is not None else None
    for index, error in enumerate(errors):
        code = error_code(error)
        if code == INTERNAL:
            cause = error.original_error or error
            log.error(
                "unexpected error in a GraphQL operation",
                exc_info=(type(cause), cause, cause.__traceback__),
                extra={"operation": operation, "path": error.path},
            )
        else:
            log.debug("request refused", extra={"code": code, "reason": error.message})
        errors[index] = present(error)
