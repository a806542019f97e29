"""The root of Encore's error tree and the kinds every layer shares.

Each kind knows the GraphQL ``extensions.code`` a client sees for it, so the API
layer never has to guess how to present an expected failure.
"""

from __future__ import annotations


class EncoreError(Exception):
    """Root of every error Encore raises on purpose."""

    code = "INTERNAL_SERVER_ERROR"


class ConfigError(EncoreError):
    """A setting is missing or malformed; the message names the variable."""


class BadInputError(EncoreError, ValueError):
    code = "BAD_USER_INPUT"


class NotFoundError(EncoreError, LookupError):
    code = "NOT_FOUND"


class UnauthenticatedError(EncoreError):
    code = "UNAUTHENTICATED"


class ForbiddenError(EncoreError):
    code = "FORBIDDEN"


class RateLimitedError(EncoreError):
    code = "RATE_LIMITED"


class UpstreamUnavailableError(EncoreError):
    code = "UPSTREAM_UNAVAILABLE"
