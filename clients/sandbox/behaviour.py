"""What happens to an upstream request before its handler: count, limit, fault, delay.

The order is fixed: the arrival is counted, the rate limit decides, then an
armed fault (if any) is taken, then the configured latency is waited, then
the fault or the handler answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import logging
import math
import random

from aiohttp import web

from clients.sandbox import shapes
from clients.sandbox.faults import Fault
from clients.sandbox.limits import Refusal, seconds_to_midnight
from clients.sandbox.state import STATE, Endpoint, Handler, SandboxState

log = logging.getLogger(__name__)

_jitter = random.Random()
_HTML_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
)


@web.middleware
async def upstream_middleware(
    request: web.Request, handler: Handler
) -> web.StreamResponse:
    state = request.app[STATE]
    endpoint = state.endpoints.of(request)
    if endpoint is None:
        return await handler(request)
    arrival = state.traffic.arrive(
        state.now(), endpoint.service, endpoint.name, request.path
    )
    try:
        response = await _serve(state, request, handler, endpoint)
    except web.HTTPException as exc:
        arrival.status = exc.status
        raise
    arrival.status = response.status
    return response


async def _serve(
    state: SandboxState, request: web.Request, handler: Handler, endpoint: Endpoint
) -> web.StreamResponse:
    refusal = _limit(state, endpoint.service)
    response: web.StreamResponse
    if refusal is not None:
        response = _refuse(state, endpoint.service, refusal)
    else:
        response = await _answer_or_fail(state, request, handler, endpoint)
    # Ticketmaster reports the quota on every answer, refusals included.
    if endpoint.service == "ticketmaster" and not response.prepared:
        _quota_headers(state, response)
    return response


async def _answer_or_fail(
    state: SandboxState, request: web.Request, handler: Handler, endpoint: Endpoint
) -> web.StreamResponse:
    fault = state.faults.take(endpoint.service, endpoint.name, request.path)
    await _delay(state)
    if fault is None:
        return await answer(handler, request)
    log.info(
        "fault injected",
        extra={"fault_id": fault.id, "kind": fault.kind, "path": request.path},
    )
    return await _inject(state, fault, request, handler, endpoint.service)


async def answer(handler: Handler, request: web.Request) -> web.StreamResponse:
    try:
        return await handler(request)
    except shapes.Answer as early:
        return early.response


def _limit(state: SandboxState, service: str) -> Refusal | None:
    behaviour = state.behaviour
    if not behaviour.rate_limits or service not in behaviour.rates:
        return None
    rate = behaviour.rates[service]
    quota = behaviour.daily_quotas.get(service)
    return state.limiter.check(service, state.now(), rate, quota)


def _refuse(state: SandboxState, service: str, refusal: Refusal) -> web.Response:
    if service == "spotify":
        retry_after = str(max(1, math.ceil(refusal.retry_after)))
        return shapes.spotify_error(
            429, "API rate limit exceeded", {"Retry-After": retry_after}
        )
    if service == "ticketmaster":
        if refusal.reason == "quota":
            return shapes.quota_violation()
        return shapes.spike_arrest(state.behaviour.rates[service])
    return shapes.error_for(service, 429, "Too Many Requests")


async def _delay(state: SandboxState) -> None:
    behaviour = state.behaviour
    millis = behaviour.latency_ms
    if behaviour.latency_jitter_ms > 0:
        millis += _jitter.uniform(0, behaviour.latency_jitter_ms)
    if millis > 0:
        await asyncio.sleep(millis / 1000)


async def _inject(
    state: SandboxState,
    fault: Fault,
    request: web.Request,
    handler: Handler,
    service: str,
) -> web.StreamResponse:
    status = fault.response_status
    if fault.kind == "status":
        return shapes.error_for(service, status)
    if fault.kind == "rate_limit":
        return _injected_429(state, fault, service)
    if fault.kind == "html":
        page = _HTML_PAGE.format(status=status, reason=shapes.reason(status))
        return web.Response(text=page, status=status, content_type="text/html")
    if fault.kind == "empty":
        return web.Response(body=b"", status=status, content_type="application/json")
    if fault.kind == "hang":
        # Shutdown ends a hang early so closing a sandbox never waits on it.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.closing.wait(), fault.seconds)
        return await answer(handler, request)
    response = await answer(handler, request)
    if fault.kind == "malformed":
        return _malformed(response)
    return await _truncated(request, response)


def _injected_429(state: SandboxState, fault: Fault, service: str) -> web.Response:
    if service == "ticketmaster":
        response = shapes.spike_arrest(state.behaviour.rates[service])
    else:
        response = shapes.error_for(service, 429, "API rate limit exceeded")
    if fault.retry_after_format == "http-date":
        moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=fault.seconds)
        response.headers["Retry-After"] = email.utils.format_datetime(
            moment, usegmt=True
        )
    else:
        response.headers["Retry-After"] = str(max(0, math.ceil(fault.seconds)))
    return response


def _body_of(response: web.StreamResponse) -> bytes | None:
    if isinstance(response, web.Response) and isinstance(response.body, bytes):
        return response.body
    return None


def _malformed(response: web.StreamResponse) -> web.StreamResponse:
    body = _body_of(response)
    if body is None:
        return response
    # A proper prefix of a JSON object never parses: its last brace is gone.
    broken = body[: len(body) // 2] or b"{"
    malformed = web.Response(body=broken, status=response.status)
    malformed.headers["Content-Type"] = response.headers.get(
        "Content-Type", "application/json"
    )
    return malformed


async def _truncated(
    request: web.Request, response: web.StreamResponse
) -> web.StreamResponse:
    body = _body_of(response)
    if body is None:
        return response
    stream = web.StreamResponse(status=response.status)
    stream.headers["Content-Type"] = response.headers.get(
        "Content-Type", "application/json"
    )
    stream.content_length = len(body)
    await stream.prepare(request)
    await stream.write(body[: len(body) // 2])
    # Closing the socket mid-body is what a dropped upstream connection looks like.
    if request.transport is not None:
        request.transport.close()
    return stream


def _quota_headers(state: SandboxState, response: web.StreamResponse) -> None:
    quota = state.behaviour.daily_quotas.get("ticketmaster")
    if quota is None:
        return
    now = dt.datetime.now(dt.UTC)
    reset = now + dt.timedelta(seconds=seconds_to_midnight(now))
    left = state.limiter.quota_left("ticketmaster", quota)
    response.headers["Rate-Limit"] = str(quota)
    response.headers["Rate-Limit-Available"] = str(left)
    response.headers["Rate-Limit-Over"] = "0" if left else "1"
    response.headers["Rate-Limit-Reset"] = str(int(reset.timestamp() * 1000))
