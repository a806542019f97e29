"""Fixtures for tests that talk to the upstream sandbox, served in this process.

- ``sandbox``: a generator-mode sandbox on a free port, rate limits off.
- ``make_sandbox(**config)``: more sandboxes, any ``SandboxConfig`` fields
  (``rate_limits=True``, ``recordings_dir=samples_dir``, ``artists=(...)``);
  rate limits are off unless asked for. All are closed after the test.
- ``sandbox_settings``: the test's ``Settings`` aimed at ``sandbox``;
  ``settings_for_sandbox(settings, url)`` does the same for any sandbox.
- ``sandbox_control``: a ``SandboxControl`` for ``sandbox``'s control API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from clients.sandbox import RunningSandbox, SandboxConfig, start_sandbox
from encore.settings import Settings

SandboxFactory = Callable[..., Awaitable[RunningSandbox]]

SANDBOX_CLIENT_ID = "encore-test-client"
SANDBOX_CLIENT_SECRET = "encore-test-secret"
SANDBOX_API_KEY = "encore-test-key"


def settings_for_sandbox(settings: Settings, url: str) -> Settings:
    """``settings`` with every upstream base URL and credential aimed at ``url``."""
    return settings.model_copy(
        update={
            "spotify_api_url": f"{url}/v1",
            "spotify_accounts_url": f"{url}/api/token",
            "ticketmaster_api_url": f"{url}/discovery/v2",
            "setlistfm_api_url": f"{url}/rest/1.0",
            "spotify_client_id": SecretStr(SANDBOX_CLIENT_ID),
            "spotify_client_secret": SecretStr(SANDBOX_CLIENT_SECRET),
            "ticketmaster_api_key": SecretStr(SANDBOX_API_KEY),
            "setlistfm_api_key": SecretStr(SANDBOX_API_KEY),
        }
    )


class SandboxControl:
    """The control API of one sandbox, for arranging and checking a test."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.base = f"{url}/_sandbox"

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        async with self.session.request(
            method, self.base + path, json=body
        ) as response:
            payload = await response.json()
            if response.status >= 400:
                raise AssertionError(f"{method} {path}: {response.status} {payload}")
            return payload

    async def stats(self, arrivals: bool = False) -> dict[str, Any]:
        query = "?arrivals=1" if arrivals else ""
        result: dict[str, Any] = await self.call("GET", f"/stats{query}")
        return result

    async def reset(self) -> None:
        await self.call("POST", "/stats/reset")

    async def arm(self, **fault: Any) -> dict[str, Any]:
        armed: list[dict[str, Any]] = await self.call("POST", "/faults", fault)
        return armed[0]

    async def clear_faults(self) -> None:
        await self.call("DELETE", "/faults")

    async def configure(self, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("PATCH", "/settings", changes)
        return result

    async def create_artist(self, **spec: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("POST", "/artists", spec)
        return result

    async def truth(self, key: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("GET", f"/artists/{key}")
        return result

    async def mutate(self, kind: str, **change: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "POST", "/mutations", {"kind": kind, **change}
        )
        return result


@pytest.fixture
async def make_sandbox() -> AsyncIterator[SandboxFactory]:
    started: list[RunningSandbox] = []

    async def make(**config: Any) -> RunningSandbox:
        config.setdefault("rate_limits", False)
        running = await start_sandbox(SandboxConfig(**config))
        started.append(running)
        return running

    yield make
    for running in reversed(started):
        await running.close()


@pytest.fixture
async def sandbox(make_sandbox: SandboxFactory) -> RunningSandbox:
    return await make_sandbox()


@pytest.fixture
def sandbox_settings(settings: Settings, sandbox: RunningSandbox) -> Settings:
    return settings_for_sandbox(settings, sandbox.url)


@pytest.fixture
async def sandbox_control(sandbox: RunningSandbox) -> AsyncIterator[SandboxControl]:
    async with aiohttp.ClientSession() as session:
        yield SandboxControl(session, sandbox.url)


SETLISTFM_JSON = {"x-api-key": SANDBOX_API_KEY, "Accept": "application/json"}


async def spotify_auth(session: aiohttp.ClientSession, url: str) -> dict[str, str]:
    """Headers carrying a fresh client-credentials token from the sandbox."""
    async with session.post(
        f"{url}/api/token",
        data={"grant_type": "client_credentials"},
        headers={
            "Authorization": aiohttp.encode_basic_auth(
                SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
            )
        },
    ) as response:
        assert response.status == 200, await response.text()
        token = (await response.json())["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def sandbox_http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
