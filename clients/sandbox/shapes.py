"""Response bodies in each service's own shape, errors above all.

Spotify's Web API and its accounts service, Ticketmaster's gateway (Apigee
faults) and its Discovery service (``errors[]``), and setlist.fm each word
their failures differently; clients parse exactly these shapes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from aiohttp import web

from clients.sandbox.store import RecordedResponse

SPOTIFY_JSON = "application/json; charset=utf-8"
TICKETMASTER_JSON = "application/json;charset=utf-8"
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def json_response(
    data: Any,
    status: int = 200,
    content_type: str = SPOTIFY_JSON,
    headers: dict[str, str] | None = None,
) -> web.Response:
    response = web.Response(body=dumps(data), status=status, headers=headers)
    response.headers["Content-Type"] = content_type
    return response


def reason(status: int) -> str:
    return _REASONS.get(status, "Error")


# Spotify


def spotify_error(
    status: int, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    body = {"error": {"status": status, "message": message}}
    return json_response(body, status, SPOTIFY_JSON, headers)


def spotify_token_expired() -> web.Response:
    challenge = (
        'Bearer realm="spotify", error="invalid_token", '
        'error_description="The access token expired"'
    )
    return spotify_error(
        401, "The access token expired", {"WWW-Authenticate": challenge}
    )


def spotify_oauth_error(error: str, description: str) -> web.Response:
    body = {"error": error, "error_description": description}
    return json_response(body, 400, SPOTIFY_JSON)


# Ticketmaster


def ticketmaster_fault(status: int, faultstring: str, errorcode: str) -> web.Response:
    body = {"fault": {"faultstring": faultstring, "detail": {"errorcode": errorcode}}}
    return json_response(body, status, TICKETMASTER_JSON)


def ticketmaster_invalid_key() -> web.Response:
    return ticketmaster_fault(401, "Invalid ApiKey", "oauth.v2.InvalidApiKey")


def ticketmaster_error(
    status: int, code: str, detail: str, status_text: str
) -> web.Response:
    body = {
        "errors": [
            {
                "code": code,
                "detail": detail,
                "status": status_text,
                "_links": {"about": {"href": f"/discovery/v2/errors.html#{code}"}},
            }
        ]
    }
    return json_response(body, status, TICKETMASTER_JSON)


def ticketmaster_not_found(resource_id: str) -> web.Response:
    detail = (
        f"Resource not found with provided criteria (locale=en-us, id={resource_id})"
    )
    return ticketmaster_error(404, "DIS1004", detail, "404")


def ticketmaster_bad_request(code: str, detail: str) -> web.Response:
    return ticketmaster_error(400, code, detail, "400 BAD_REQUEST")


def spike_arrest(rate: float) -> web.Response:
    faultstring = (
        "Spike arrest violation. Allowed rate : "
        f"MessageRate{{messagesPerPeriod={rate:g}, "
        "periodInMicroseconds=1000000, maxBurstMessageCount=1.0}"
    )
    return ticketmaster_fault(
        429, faultstring, "policies.ratelimit.SpikeArrestViolation"
    )


def quota_violation() -> web.Response:
    faultstring = (
        "Rate limit quota violation. Quota limit  exceeded. Identifier : {apikey}"
    )
    return ticketmaster_fault(429, faultstring, "policies.ratelimit.QuotaViolation")


# setlist.fm


def setlistfm_timestamp(moment: dt.datetime | None = None) -> str:
    moment = moment or dt.datetime.now(dt.UTC)
    return (
        moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
    )


def setlistfm_error_body(status: int, message: str) -> dict[str, Any]:
    """The documented error object (``code``, ``status``, ``message``...)."""
    return {
        "code": status,
        "status": reason(status),
        "message": message,
        "timestamp": setlistfm_timestamp(),
    }


def setlistfm_search_miss_body(path: str) -> dict[str, Any]:
    """What a search without hits answered in recordings: Spring's default."""
    now = dt.datetime.now(dt.UTC)
    return {
        "timestamp": int(now.timestamp() * 1000),
        "status": 404,
        "error": "Not Found",
        "message": "Not Found",
        "path": path.removeprefix("/rest"),
    }


def error_for(service: str, status: int, message: str | None = None) -> web.Response:
    """A failure of any status in the shape the service uses for it."""
    text = message or reason(status)
    if service == "spotify":
        return spotify_error(status, text)
    if service == "spotify_accounts":
        return spotify_oauth_error("server_error", text)
    if service == "ticketmaster":
        if status >= 500:
            return ticketmaster_fault(
                status, text, "messaging.adaptors.http.flow.ServiceUnavailable"
            )
        return ticketmaster_error(status, f"DIS{status}", text, str(status))
    return json_response(setlistfm_error_body(status, text), status, "application/json")


class Answer(Exception):
    """Raised by a handler to answer early (a refusal, a not-found...)."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def origin(request: web.Request) -> str:
    """The sandbox's own base URL as the client reached it."""
    return str(request.url.origin())


def replay(recorded: RecordedResponse) -> web.Response:
    """A recorded body as it was served, with the headers worth replaying."""
    response = web.Response(body=recorded.body, status=recorded.status)
    for name in ("content-type", "cache-control", "etag"):
        if name in recorded.headers:
            response.headers[name] = recorded.headers[name]
    response.headers.setdefault("Content-Type", "application/json; charset=utf-8")
    return response
