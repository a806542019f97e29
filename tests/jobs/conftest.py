"""An import stack in this process: a sandbox, Resources and a real SAQ worker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from saq import Worker

from clients.sandbox import SandboxConfig, start_sandbox
from encore.settings import Settings
from jobs.progress import ImportSnapshot, read_snapshot
from jobs.runtime import Resources
from jobs.worker import worker_settings


def sandbox_settings(settings: Settings, url: str) -> Settings:
    return settings.model_copy(
        update={
            "spotify_api_url": f"{url}/v1",
            "spotify_accounts_url": f"{url}/api/token",
            "ticketmaster_api_url": f"{url}/discovery/v2",
            "setlistfm_api_url": f"{url}/rest/1.0",
            # Fast retries: the sandbox's faults are meant to be retried.
            "upstream_max_retry_seconds": 5.0,
        }
    )


@dataclass
class Stack:
    settings: Settings
    resources: Resources
    sandbox_url: str
    session: aiohttp.ClientSession

    async def control(self, method: str, path: str, body: Any = None) -> Any:
        async with self.session.request(
            method, f"{self.sandbox_url}/_sandbox{path}", json=body
        ) as response:
            assert response.status < 400, await response.text()
            return await response.json()

    async def truth(self, key: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.control("GET", f"/artists/{key}")
        return result

    async def wait(self, import_id: int, seconds: float = 60) -> ImportSnapshot:
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            snapshot = await read_snapshot(import_id)
            if snapshot.is_terminal:
                return snapshot
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"import still {snapshot.stage} at {snapshot.progress}%")
            await asyncio.sleep(0.1)


StackFactory = Callable[..., Awaitable[Stack]]


@pytest.fixture
async def make_stack(
    db: str, settings: Settings, redis_client: Any
) -> AsyncIterator[StackFactory]:
    """Builds a sandbox (limits off unless asked) and a worker against it."""
    cleanups: list[Callable[[], Awaitable[None]]] = []

    async def make(*, worker: bool = True, **config: Any) -> Stack:
        config.setdefault("rate_limits", False)
        sandbox = await start_sandbox(SandboxConfig(**config))
        cleanups.append(sandbox.close)
        stack_settings = sandbox_settings(settings, sandbox.url)
        resources = Resources(stack_settings)
        await resources.__aenter__()
        cleanups.append(resources.close)
        session = aiohttp.ClientSession()
        cleanups.append(session.close)
        if worker:
            options = worker_settings(stack_settings, manage_database=False)
            draining = options.pop("draining")
            options["cron_jobs"] = []  # cron runs are tested on their own
            saq_worker = Worker(**options)
            task = asyncio.create_task(saq_worker.start())

            async def stop() -> None:
                draining.set()
                saq_worker.event.set()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait_for(task, 20)

            cleanups.append(stop)
        return Stack(stack_settings, resources, sandbox.url, session)

    yield make
    for cleanup in reversed(cleanups):
        await cleanup()
