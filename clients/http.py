"""The HTTP layer every upstream client shares: session, pacing, retries, errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, TypeVar

import aiohttp
from multidict import CIMultiDictProxy
from pydantic import SecretStr
from yarl import URL

from clients.errors import (
    BadResponse,
    RateLimited,
    Unavailable,
    UpstreamError,
    UpstreamTimeout,
)
from clients.parsing import MalformedError
from clients.ratelimit import ServiceRateLimiter
from encore.settings import Settings

log = logging.getLogger(__name__)

USER_AGENT = "encore/0.1 (+artist import)"
Params = Mapping[str, str | int]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    path: str


@dataclass(frozen=True, slots=True)
class _Failure:
    error: UpstreamError
    retry_after: float | None
    transport: bool


class ErrorTranslator(Protocol):
    """Turns a failed response into the client's error: one per service."""

    def __call__(
        self, status: int, body: bytes, path: str, headers: Mapping[str, str]
    ) -> UpstreamError: ...


class Auth(Protocol):
    """Per-request credentials that a 401 can invalidate (bearer tokens)."""

    async def headers(self) -> Mapping[str, str]: ...

    async def refresh(self, rejected: Mapping[str, str]) -> None:
        """Replace the credentials sent in ``rejected`` unless already done."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    max_seconds: float
    retry_after_ceiling: float
    backoff_base: float
    backoff_max: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            max_attempts=settings.upstream_max_attempts,
            max_seconds=settings.upstream_max_retry_seconds,
            retry_after_ceiling=settings.upstream_retry_after_ceiling,
            backoff_base=settings.upstream_backoff_base,
        )

    def backoff(self, attempt: int) -> float:
        """Exponential, with jitter so that processes do not retry in step."""
        cap = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return random.uniform(cap / 2, cap)

    def after_retry_after(self, seconds: float) -> float:
        # Never at once, even for "Retry-After: 0": the service that sent it
        # is busy, and a small jitter spreads the callers it turned away.
        return seconds + random.uniform(self.backoff_base / 2, self.backoff_base)


class UpstreamHttp:
    """One long-lived session to one service, with pacing and bounded retries.

    Every request waits for its rate-limit slot, is retried on 429, 5xx,
    timeouts and connection errors (honouring ``Retry-After``), and fails at
    once on other 4xx. Failures reach callers only as ``UpstreamError``.
    """

    def __init__(
        self,
        service: str,
        settings: Settings,
        translate: ErrorTranslator,
        *,
        limiter: ServiceRateLimiter | None = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.service = service
        self.retry = retry or RetryPolicy.from_settings(settings)
        self._translate = translate
        self._limiter = limiter
        self._headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self._timeout = aiohttp.ClientTimeout(
            total=settings.upstream_total_timeout,
            connect=settings.upstream_connect_timeout,
        )
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        self._ensure_session()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get_json(
        self,
        url: str,
        *,
        params: Params | None = None,
        auth: Auth | None = None,
    ) -> object:
        response = await self.request("GET", url, params=params, auth=auth)
        return self.decode_json(response)

    def decode_json(self, response: Response) -> object:
        """The body as JSON; anything else is a bad response of this service."""
        if not response.body.strip():
            raise BadResponse(
                self.service, "empty body", path=response.path, status=response.status
            )
        try:
            return json.loads(response.body)
        except (ValueError, UnicodeDecodeError) as exc:
            detail = f"not JSON ({_content_type(response)}): {exc}"
            raise BadResponse(
                self.service, detail, path=response.path, status=response.status
            ) from exc

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Params | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: Auth | None = None,
        paced: bool = True,
    ) -> Response:
        """Send until a 2xx comes back or the retry budget is spent."""
        path = URL(url).path
        deadline = time.monotonic() + self.retry.max_seconds
        attempt = 0
        refreshed = False
        while True:
            attempt += 1
            if paced and self._limiter is not None:
                await self._limiter.acquire()
            sent = dict(await auth.headers()) if auth is not None else {}
            sent.update(headers or {})
            outcome = await self._attempt(
                method, url, path, params, data, sent, attempt
            )
            if isinstance(outcome, Response):
                return outcome
            if outcome.error.status == 401 and auth is not None and not refreshed:
                # Credentials expired between our check and the call: renew
                # them once; this retry costs no attempt.
                refreshed = True
                attempt -= 1
                await auth.refresh(sent)
                continue
            wait = self._wait_before_retry(outcome, attempt, deadline)
            self._log_retry(outcome.error, path, attempt, wait)
            await asyncio.sleep(wait)

    async def _attempt(
        self,
        method: str,
        url: str,
        path: str,
        params: Params | None,
        data: Mapping[str, str] | None,
        headers: Mapping[str, str],
        attempt: int,
    ) -> Response | _Failure:
        started = time.monotonic()
        try:
            response = await self._send(method, url, path, params, data, headers)
        except UpstreamError as broken:
            self._log_request(method, path, None, attempt, started)
            return _Failure(broken, retry_after=None, transport=True)
        self._log_request(method, path, response.status, attempt, started)
        if response.status < 400:
            return response
        error = self._translate(response.status, response.body, path, response.headers)
        return _Failure(error, retry_after_seconds(response.headers), transport=False)

    async def _send(
        self,
        method: str,
        url: str,
        path: str,
        params: Params | None,
        data: Mapping[str, str] | None,
        headers: Mapping[str, str],
    ) -> Response:
        """One HTTP exchange; aiohttp's failures become ours here and only here."""
        session = self._ensure_session()
        try:
            async with session.request(
                method, url, params=params, data=data, headers=headers
            ) as raw:
                body = await raw.read()
                return Response(raw.status, raw.headers, body, path)
        except TimeoutError as exc:
            raise UpstreamTimeout(self.service, "no answer in time", path=path) from exc
        except aiohttp.ClientPayloadError as exc:
            raise BadResponse(
                self.service, f"body cut short ({type(exc).__name__})", path=path
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            # Messages of connection errors name host and port, never the
            # query string, so they are safe to keep.
            raise Unavailable(
                self.service, f"{type(exc).__name__}: {_safe_reason(exc)}", path=path
            ) from exc

    def _wait_before_retry(
        self, failure: _Failure, attempt: int, deadline: float
    ) -> float:
        """Seconds to sleep before the next attempt, or raise the failure."""
        error, retry_after = failure.error, failure.retry_after
        if isinstance(error, RateLimited) and retry_after is not None:
            error.retry_after = retry_after
        # A broken exchange (cut-off body, reset connection) may work next
        # time whatever its kind; a complete answer is retried by its kind.
        if not (error.retryable or failure.transport):
            raise error
        if retry_after is not None and retry_after > self.retry.retry_after_ceiling:
            # Sleeping for hours inside a request helps nobody: surface it.
            raise error
        if attempt >= self.retry.max_attempts:
            raise error
        if retry_after is not None:
            wait = self.retry.after_retry_after(retry_after)
        else:
            wait = self.retry.backoff(attempt)
        if time.monotonic() + wait > deadline:
            raise error
        return wait

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, headers=self._headers
            )
        return self._session

    def _log_request(
        self,
        method: str,
        path: str,
        status: int | None,
        attempt: int,
        started: float,
    ) -> None:
        log.debug(
            "upstream request",
            extra={
                "service": self.service,
                "method": method,
                "path": path,
                "status": status,
                "attempt": attempt,
                "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )

    def _log_retry(
        self, failure: UpstreamError, path: str, attempt: int, wait: float
    ) -> None:
        log.info(
            "retrying upstream request",
            extra={
                "service": self.service,
                "path": path,
                "attempt": attempt,
                "reason": failure.kind,
                "status": failure.status,
                "wait_s": round(wait, 3),
            },
        )


def retry_after_seconds(
    headers: Mapping[str, str], now: dt.datetime | None = None
) -> float | None:
    """``Retry-After`` as seconds from now; it may be a number or an HTTP date.

    A date is measured against the response's own ``Date`` when there is one,
    so that a skewed local clock does not shorten the wait.
    """
    value = headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    until = _http_date(value)
    if until is None:
        return None
    reference = _http_date(headers.get("Date", "")) or now or dt.datetime.now(dt.UTC)
    return max(0.0, (until - reference).total_seconds())


def secret_or(value: SecretStr | None, placeholder: str) -> str:
    """A configured secret, or the placeholder the sandbox accepts."""
    secret = value.get_secret_value() if value is not None else ""
    return secret or placeholder


def _http_date(value: str) -> dt.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _content_type(response: Response) -> str:
    return response.headers.get("Content-Type", "no content type").split(";")[0]


def _safe_reason(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.InvalidURL):
        return "invalid URL"
    return str(exc) or "no detail"


class UpstreamClient:
    """What every service client shares: the session's life and parsed GETs."""

    def __init__(self, http: UpstreamHttp, auth: Auth | None = None) -> None:
        self._http = http
        self._auth = auth

    async def __aenter__(self) -> Self:
        await self._http.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.close()

    async def _get(
        self, url: str, params: Params | None, parse: Callable[[object], T]
    ) -> T:
        """GET a JSON body and parse it; a wrong shape is a ``BadResponse``."""
        body = await self._http.get_json(url, params=params, auth=self._auth)
        try:
            return parse(body)
        except (MalformedError, ValueError, TypeError, KeyError) as exc:
            raise BadResponse(self._http.service, str(exc), path=URL(url).path) from exc
