"""Reading the opaque ids clients send back: decimal row ids as strings."""

from __future__ import annotations

from encore.errors import BadInputError

# Primary keys are Postgres integers: anything larger cannot name a row.
MAX_ID = 2**31 - 1


def parse_id(value: str, what: str) -> int:
    """The row id ``value`` names; BAD_USER_INPUT when it cannot name one."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        raise BadInputError(f"{value!r} is not a valid {what} id")
    return int(text)
