"""Typed settings, read once from the environment."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from encore.errors import ConfigError

SANDBOX_URL = "http://127.0.0.1:8765"

# Where each service really is, and the credentials that mean "use it":
# a base URL left unset points at the real service once its credentials are
# given, and at the sandbox otherwise.
REAL_SERVICES = {
    "spotify_api_url": ("https://api.spotify.com/v1", "spotify_client_id"),
    "spotify_accounts_url": (
        "https://accounts.spotify.com/api/token",
        "spotify_client_id",
    ),
    "ticketmaster_api_url": (
        "https://app.ticketmaster.com/discovery/v2",
        "ticketmaster_api_key",
    ),
    "setlistfm_api_url": ("https://api.setlist.fm/rest/1.0", "setlistfm_api_key"),
}


class Settings(BaseSettings):
    """Every knob Encore has. Secrets are ``SecretStr`` so reprs mask them."""

    model_config = SettingsConfigDict(
        env_prefix="", case_sensitive=False, extra="ignore", frozen=True
    )

    # URLs may carry passwords: shown masked in the repr.
    database_url: str = Field(
        default="postgres://postgres@127.0.0.1:5432/encore", repr=False
    )
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", repr=False)
    api_tokens: Annotated[tuple[SecretStr, ...], NoDecode] = ()

    spotify_client_id: SecretStr | None = None
    spotify_client_secret: SecretStr | None = None
    ticketmaster_api_key: SecretStr | None = None
    setlistfm_api_key: SecretStr | None = None

    spotify_api_url: str = SANDBOX_URL + "/v1"
    spotify_accounts_url: str = SANDBOX_URL + "/api/token"
    ticketmaster_api_url: str = SANDBOX_URL + "/discovery/v2"
    setlistfm_api_url: str = SANDBOX_URL + "/rest/1.0"

    # Upstream behaviour. Spotify's limit is not published: restricted
    # (development mode) apps get far less than extended-quota ones.
    spotify_rate_per_second: float = Field(default=10.0, gt=0)
    ticketmaster_rate_per_second: float = Field(default=5.0, gt=0)
    ticketmaster_daily_quota: int = Field(default=5000, gt=0)
    setlistfm_rate_per_second: float = Field(default=2.0, gt=0)
    setlistfm_daily_quota: int = Field(default=1440, gt=0)
    spotify_albums_page_size: int = Field(default=10, ge=1, le=50)
    spotify_tracks_page_size: int = Field(default=50, ge=1, le=50)
    spotify_batch_endpoints: bool = True
    spotify_market: str | None = "US"
    ticketmaster_page_size: int = Field(default=199, ge=1, le=199)
    upstream_connect_timeout: float = Field(default=5.0, gt=0)
    upstream_total_timeout: float = Field(default=30.0, gt=0)
    upstream_max_attempts: int = Field(default=5, ge=1)
    upstream_max_retry_seconds: float = Field(default=60.0, gt=0)
    upstream_retry_after_ceiling: float = Field(default=30.0, gt=0)
    # First retry waits about this long; each further one doubles it.
    upstream_backoff_base: float = Field(default=0.25, gt=0)
    # Share of each service's rate the limiter plans for: requests are spaced
    # evenly at rate * safety, leaving room for arrival jitter.
    upstream_rate_safety: float = Field(default=0.9, gt=0, le=1)
    # A caller that would queue longer than this for its rate-limit turn gets
    # a RateLimited error instead.
    upstream_max_queue_seconds: float = Field(default=120.0, gt=0)

    # Import and worker.
    setlist_max_pages: int | None = Field(default=None, ge=1)
    # Servers enqueue and workers dequeue on this queue: a demo or a test
    # stack gets its own, so no other worker takes its jobs.
    queue_name: str = Field(default="encore", min_length=1, pattern=r"^[\w.-]+$")
    worker_concurrency: int = Field(default=4, ge=1)
    worker_shutdown_grace_seconds: int = Field(default=30, ge=1)
    import_job_timeout: int = Field(default=3600, ge=10)
    import_job_retries: int = Field(default=3, ge=1)
    import_heartbeat_seconds: int = Field(default=20, ge=2)
    import_batch_size: int = Field(default=200, ge=1)

    # Server limits.
    max_query_depth: int = Field(default=12, ge=1)
    max_query_cost: int = Field(default=20000, ge=1)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    mutation_rate_per_minute: int = Field(default=60, ge=1)
    # Parsing stops at this many tokens, before any later step can grow with
    # the size of a hostile query.
    max_query_tokens: int = Field(default=5000, ge=100)
    max_query_aliases: int = Field(default=30, ge=0)
    # A websocket that has not sent connection_init by then is closed.
    ws_connection_init_timeout: float = Field(default=10.0, gt=0)
    # A quiet progress subscription re-reads the snapshot row this often:
    # publishing is best effort, the row is the truth.
    progress_poll_seconds: float = Field(default=15.0, gt=0)

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @model_validator(mode="before")
    @classmethod
    def _real_services_when_credentialed(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        given = {k.lower(): v for k, v in data.items()}
        for url_field, (real_url, credential) in REAL_SERVICES.items():
            if url_field not in given and given.get(credential):
                data = {**data, url_field: real_url}
        return data

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("api_tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(t.strip() for t in value.split(",") if t.strip())
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("postgres", "postgresql") or not parts.hostname:
            raise ValueError(
                f"expected postgres://user@host:port/dbname, got {_mask_url(value)!r}"
            )
        if not parts.path.strip("/"):
            raise ValueError("the URL names no database")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"expected redis://host:port/db, got {_mask_url(value)!r}")
        return value

    @field_validator(
        "spotify_api_url",
        "spotify_accounts_url",
        "ticketmaster_api_url",
        "setlistfm_api_url",
    )
    @classmethod
    def _check_http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected an http(s) URL, got {value!r}")
        return value.rstrip("/")

    def __repr_args__(self) -> Any:
        yield "database_url", _mask_url(self.database_url)
        yield "redis_url", _mask_url(self.redis_url)
        yield from super().__repr_args__()

    @property
    def database_name(self) -> str:
        return urlsplit(self.database_url).path.strip("/")

    def token_values(self) -> frozenset[str]:
        return frozenset(t.get_secret_value() for t in self.api_tokens)


def _mask_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def load_settings() -> Settings:
    """Read the environment; a bad value becomes one ``ConfigError`` line."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{variable}: {message}") from None


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return load_settings()
