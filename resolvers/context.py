"""The request context: shared services, per-request loaders, the caller's token."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from encore.settings import Settings
from jobs.runtime import Resources
from resolvers.loaders import Loaders
from resolvers.progress_hub import ProgressHub


@dataclass(frozen=True, slots=True)
class Services:
    """What the server opens once and every request shares."""

    settings: Settings
    resources: Resources
    hub: ProgressHub


@dataclass
class RequestContext:
    """One HTTP request, or one websocket connection."""

    services: Services
    loaders: Loaders = field(default_factory=Loaders)
    authorization: str | None = None
    # Set by the websocket protocols from connection_init's payload.
    connection_params: dict[str, object] | None = None

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def bearer_token(self) -> str | None:
        """The token of an ``Authorization: Bearer`` header (or the same entry
        of a websocket's connection parameters)."""
        value = self.authorization
        if value is None and self.connection_params:
            value = _authorization_param(self.connection_params)
        if value is None:
            return None
        scheme, _, token = value.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()


def _authorization_param(params: Mapping[str, object]) -> str | None:
    for key, value in params.items():
        if key.lower() == "authorization" and isinstance(value, str):
            return value
    return None
