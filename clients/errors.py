"""Errors of the upstream clients: one kind per way a service can fail us."""

from __future__ import annotations

from encore.errors import (
    EncoreError,
    NotFoundError,
    RateLimitedError,
    UpstreamUnavailableError,
)


class UpstreamError(EncoreError):
    """A call to an upstream service failed.

    UpstreamError (EncoreError)
    ├── NotFound          NOT_FOUND             the record does not exist upstream
    ├── Unauthorized      UPSTREAM_UNAVAILABLE  our credentials were refused
    ├── RateLimited       RATE_LIMITED          429 after retries
    │   └── QuotaExceeded                       a daily quota is used up
    ├── Unavailable       UPSTREAM_UNAVAILABLE  5xx, connection failures
    │   ├── UpstreamTimeout                     also a builtin TimeoutError
    │   └── Rejected                            other 4xx: refused as sent
    └── BadResponse       UPSTREAM_UNAVAILABLE  a body we cannot read

    Each error keeps the service, the URL path (never a query string, which
    may hold a key) and the HTTP status when there was one. Every kind also
    derives from the matching kind of ``encore.errors``, so code above the
    clients can catch the shared kinds without knowing about services.
    """

    kind = "error"
    # Whether trying the same request again later can succeed.
    retryable = False

    def __init__(
        self,
        service: str,
        detail: str,
        *,
        path: str | None = None,
        status: int | None = None,
    ) -> None:
        self.service = service
        self.path = path
        self.status = status
        self.detail = detail
        super().__init__(self._describe())

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only fields travel in the state, so errors survive pickling
        # (worker results, multiprocessing) with every field intact.
        return (type(self), (self.service, self.detail), self.__dict__)

    def __str__(self) -> str:
        return self._describe()

    def _describe(self) -> str:
        where = f" {self.path}" if self.path else ""
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{self.service}{where}: {self.kind}{status}: {self.detail}"


class NotFound(UpstreamError, NotFoundError):
    kind = "not found"
    code = "NOT_FOUND"


class Unauthorized(UpstreamError, UpstreamUnavailableError):
    """The service refused our credentials; retrying will not help."""

    kind = "unauthorized"
    code = "UPSTREAM_UNAVAILABLE"


class RateLimited(UpstreamError, RateLimitedError):
    """Too many calls: the service said so, or our own daily quota is spent.

    ``retry_after`` is how long the service asked us to wait, in seconds, when
    it said so (a wait above the configured ceiling is surfaced, not slept).
    """

    kind = "rate limited"
    code = "RATE_LIMITED"
    retryable = True

    def __init__(
        self,
        service: str,
        detail: str,
        *,
        path: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(service, detail, path=path, status=status)


class QuotaExceeded(RateLimited):
    """A daily quota is spent (ours or the service's); only tomorrow helps."""

    kind = "quota exceeded"
    retryable = False


class Unavailable(UpstreamError, UpstreamUnavailableError):
    kind = "unavailable"
    code = "UPSTREAM_UNAVAILABLE"
    retryable = True


class UpstreamTimeout(Unavailable, TimeoutError):
    kind = "timed out"


class Rejected(Unavailable):
    """The service refused the request as sent (400, 403, ...): no retry.

    Spotify answers 403 for endpoints a restricted app may not use, and
    Ticketmaster 400 for paging past its depth limit.
    """

    kind = "rejected"
    retryable = False


class BadResponse(UpstreamError, UpstreamUnavailableError):
    """The service answered with something we cannot read."""

    kind = "bad response"
    code = "UPSTREAM_UNAVAILABLE"
