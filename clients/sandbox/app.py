"""Building, starting and running a sandbox."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from aiohttp import web

from clients.sandbox import control, setlistfm_api, spotify_api, ticketmaster_api
from clients.sandbox.behaviour import upstream_middleware
from clients.sandbox.builtins import BUILTIN_ARTISTS
from clients.sandbox.config import SandboxConfig
from clients.sandbox.generator import generate_artist, register
from clients.sandbox.recordings import load_recordings
from clients.sandbox.state import STATE, SandboxState
from clients.sandbox.store import Store

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
_SHUTDOWN_SECONDS = 5.0


def build_store(config: SandboxConfig, today: dt.date) -> Store:
    """Recordings first (when given), then the built-in and extra artists."""
    store = Store()
    if config.recordings_dir is not None:
        load_recordings(config.recordings_dir, store)
    builtins = BUILTIN_ARTISTS if config.serves_builtins else ()
    for spec, origin in [(s, "builtin") for s in builtins] + [
        (s, "configured") for s in config.artists
    ]:
        register(store, generate_artist(spec, config.seed, today), origin)
    return store


def create_app(config: SandboxConfig) -> web.Application:
    today = config.anchor_date()
    state = SandboxState(config, build_store(config, today), today)
    app = web.Application(middlewares=[upstream_middleware])
    app[STATE] = state
    control.setup(app)
    spotify_api.setup(app, state)
    ticketmaster_api.setup(app, state)
    setlistfm_api.setup(app, state)
    app.on_shutdown.append(_end_hangs)
    return app


async def _end_hangs(app: web.Application) -> None:
    app[STATE].closing.set()


@dataclass(slots=True)
class RunningSandbox:
    """A sandbox serving in this process, until ``close()``."""

    app: web.Application
    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def state(self) -> SandboxState:
        return self.app[STATE]

    async def close(self) -> None:
        await self.runner.cleanup()


async def start_sandbox(
    config: SandboxConfig, host: str = "127.0.0.1", port: int = 0
) -> RunningSandbox:
    """Serve on ``host:port`` (0 picks a free port) inside the running loop."""
    app = create_app(config)
    runner = web.AppRunner(
        app,
        handler_cancellation=True,
        shutdown_timeout=_SHUTDOWN_SECONDS,
        access_log=None,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1]
    log.info("sandbox started", extra={"host": host, "port": bound})
    return RunningSandbox(app, runner, host, int(bound))


def run_sandbox(
    config: SandboxConfig, host: str = "127.0.0.1", port: int = DEFAULT_PORT
) -> None:
    """Serve until interrupted; what ``encore sandbox`` runs."""
    app = create_app(config)
    mode = "recordings" if config.recordings_dir else "generator"
    log.info(
        "sandbox serving",
        extra={
            "host": host,
            "port": port,
            "mode": mode,
            "artists": len(app[STATE].store.artists),
        },
    )
    web.run_app(
        app,
        host=host,
        port=port,
        handler_cancellation=True,
        shutdown_timeout=_SHUTDOWN_SECONDS,
        print=None,
    )
