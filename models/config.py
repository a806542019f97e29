"""The Tortoise configuration, built from the settings."""

from __future__ import annotations

from typing import Any

from encore.settings import get_settings

MODEL_MODULES = [
    "models.artist",
    "models.venue",
    "models.show",
    "models.catalog",
    "models.setlist",
    "models.imports",
    "aerich.models",
]


def tortoise_config(database_url: str | None = None) -> dict[str, Any]:
    url = database_url or get_settings().database_url
    return {
        "connections": {"default": url.replace("postgresql://", "postgres://", 1)},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str) -> Any:
    # aerich's command line reads TORTOISE_ORM; build it only when asked so
    # importing this module never reads the environment.
    if name == "TORTOISE_ORM":
        return tortoise_config()
    raise AttributeError(name)
