"""Typed forms of Strawberry's field decorators that carry a description."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry

F = TypeVar("F", bound=Callable[..., Any])

# Strawberry's decorators given arguments are typed as returning Any, which
# strict mypy refuses as a decorator; these keep the resolver's own type.


def field(description: str) -> Callable[[F], F]:
    def decorate(resolver: F) -> F:
        made: Any = strawberry.field(resolver, description=description)
        return made  # type: ignore[no-any-return]

    return decorate


def mutation(description: str) -> Callable[[F], F]:
    def decorate(resolver: F) -> F:
        made: Any = strawberry.mutation(resolver, description=description)
        return made  # type: ignore[no-any-return]

    return decorate


def subscription(description: str) -> Callable[[F], F]:
    def decorate(resolver: F) -> F:
        made: Any = strawberry.subscription(resolver, description=description)
        return made  # type: ignore[no-any-return]

    return decorate
