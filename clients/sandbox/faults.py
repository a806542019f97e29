"""Faults to inject: what goes wrong, for which requests, how many times."""

from __future__ import annotations

import fnmatch
import itertools
from dataclasses import asdict, dataclass
from typing import Any

from encore.errors import BadInputError

FAULT_KINDS = (
    "status",  # a 5xx (or any status) in the service's error shape
    "hang",  # wait ``seconds`` (or until shutdown) before answering
    "truncate",  # promise the whole body, send half, close the connection
    "malformed",  # a complete response whose JSON is cut short
    "html",  # an HTML error page, as a proxy in front would send
    "empty",  # no body at all
    "rate_limit",  # 429 with Retry-After in seconds or as an HTTP date
)
_DEFAULT_STATUS = {"status": 503, "html": 502, "empty": 200, "rate_limit": 429}


@dataclass(slots=True)
class Fault:
    kind: str
    service: str | None = None  # None: every service
    endpoint: str | None = None  # glob on the endpoint name or the path
    count: int | None = 1  # requests left to hit; None: until cleared
    skip: int = 0  # matching requests to let through before the first hit
    status: int | None = None
    seconds: float = 1.0  # hang time, or Retry-After
    retry_after_format: str = "seconds"  # or "http-date"
    id: int = 0

    def matches(self, service: str, endpoint: str, path: str) -> bool:
        if self.service is not None and self.service != service:
            return False
        if self.endpoint is None:
            return True
        return fnmatch.fnmatchcase(endpoint, self.endpoint) or fnmatch.fnmatchcase(
            path, self.endpoint
        )

    @property
    def response_status(self) -> int:
        return self.status or _DEFAULT_STATUS.get(self.kind, 200)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def fault_from_json(data: dict[str, Any]) -> Fault:
    """Validate a fault as posted to the control API."""
    known = set(Fault.__dataclass_fields__) - {"id"}
    unknown = set(data) - known
    if unknown:
        raise BadInputError(f"unknown fault fields: {sorted(unknown)}")
    if data.get("kind") not in FAULT_KINDS:
        raise BadInputError(f"kind must be one of {FAULT_KINDS}")
    fault = Fault(**data)
    if fault.count is not None and fault.count < 1:
        raise BadInputError("count must be at least 1, or null for 'until cleared'")
    if fault.skip < 0:
        raise BadInputError("skip must be 0 or more")
    if fault.retry_after_format not in ("seconds", "http-date"):
        raise BadInputError("retry_after_format must be 'seconds' or 'http-date'")
    return fault


class FaultBook:
    """Armed faults, oldest first; each request takes at most one."""

    def __init__(self) -> None:
        self._armed: list[Fault] = []
        self._ids = itertools.count(1)

    def arm(self, fault: Fault) -> Fault:
        fault.id = next(self._ids)
        self._armed.append(fault)
        return fault

    def take(self, service: str, endpoint: str, path: str) -> Fault | None:
        for fault in self._armed:
            if fault.matches(service, endpoint, path):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count == 0:
                        self._armed.remove(fault)
                return fault
        return None

    def armed(self) -> list[Fault]:
        return list(self._armed)

    def clear(self) -> int:
        cleared = len(self._armed)
        self._armed.clear()
        return cleared
