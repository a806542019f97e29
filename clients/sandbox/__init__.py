"""A local server speaking Spotify, Ticketmaster and setlist.fm, for offline runs.

Each API is served under its real paths on one port (``/api/token`` and
``/v1/...`` for Spotify, ``/discovery/v2/...`` for Ticketmaster, ``/rest/1.0/...``
for setlist.fm), from a folder of recordings or from a deterministic generator,
with the services' rate limits, injectable latency and faults, and a control
API under ``/_sandbox/`` (see ``clients.sandbox.control``).
"""

from clients.sandbox.app import (
    DEFAULT_PORT,
    RunningSandbox,
    create_app,
    run_sandbox,
    start_sandbox,
)
from clients.sandbox.builtins import BUILTIN_ARTISTS
from clients.sandbox.config import ArtistSpec, SandboxConfig

__all__ = [
    "BUILTIN_ARTISTS",
    "DEFAULT_PORT",
    "ArtistSpec",
    "RunningSandbox",
    "SandboxConfig",
    "create_app",
    "run_sandbox",
    "start_sandbox",
]
