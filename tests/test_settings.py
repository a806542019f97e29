import os
import subprocess
import sys

import pytest

from encore.errors import ConfigError
from encore.settings import load_settings


def run_encore(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "encore.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secrets_are_masked_in_the_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SETLISTFM_API_KEY", "sekrit-key")
    monkeypatch.setenv("DATABASE_URL", "postgres://encore:hunter2@db.local/encore")
    monkeypatch.setenv("API_TOKENS", "tok-one,tok-two")
    settings = load_settings()
    text = repr(settings) + str(settings)
    for secret in ("sekrit-key", "hunter2", "tok-one", "tok-two"):
        assert secret not in text
    assert settings.token_values() == {"tok-one", "tok-two"}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://localhost/encore"),
        ("DATABASE_URL", "not a url"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("SETLISTFM_RATE_PER_SECOND", "-1"),
        ("WORKER_CONCURRENCY", "many"),
    ],
)
def test_a_wrong_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"^{variable}: "):
        load_settings()


def test_wrong_settings_stop_the_command_line_with_one_line() -> None:
    result = run_encore("migrate", DATABASE_URL="mysql://localhost/encore")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "encore: DATABASE_URL: expected postgres://user@host:port/dbname, got "
        "'mysql://localhost/encore'"
    ]


def test_an_unreachable_database_is_one_clear_line() -> None:
    result = run_encore(
        "migrate", DATABASE_URL="postgres://postgres@127.0.0.1:9/encore_nowhere"
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "cannot connect to Postgres at 127.0.0.1:9" in lines[0]
    assert "DATABASE_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_credentials_point_their_service_at_the_real_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKETMASTER_API_KEY", "key")
    monkeypatch.delenv("TICKETMASTER_API_URL", raising=False)
    monkeypatch.delenv("SETLISTFM_API_KEY", raising=False)
    monkeypatch.delenv("SETLISTFM_API_URL", raising=False)
    settings = load_settings()
    assert settings.ticketmaster_api_url == "https://app.ticketmaster.com/discovery/v2"
    assert settings.setlistfm_api_url == "http://127.0.0.1:8765/rest/1.0"


def test_an_explicit_base_url_wins_over_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKETMASTER_API_KEY", "key")
    monkeypatch.setenv("TICKETMASTER_API_URL", "http://127.0.0.1:9999/discovery/v2")
    assert load_settings().ticketmaster_api_url == "http://127.0.0.1:9999/discovery/v2"
