"""Every recorded upstream body reads with its client's parser or error mapping."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clients import setlistfm, spotify, ticketmaster
from clients.errors import (
    NotFound,
    QuotaExceeded,
    Rejected,
    Unauthorized,
    UpstreamError,
)
from clients.types import Page

SERVICES = ("spotify", "ticketmaster", "setlistfm")


@dataclass(frozen=True)
class Recording:
    service: str
    file: str
    path: str | None
    status: int
    body: bytes

    @property
    def id(self) -> str:
        return f"{self.service}/{self.file}"


def _recordings(root: Path) -> list[Recording]:
    found = []
    for service in SERVICES:
        index = json.loads((root / service / "replay-index.json").read_text())
        for row in index["responses"]:
            body = (root / service / row["file"]).read_bytes()
            found.append(
                Recording(service, row["file"], row.get("path"), row["status"], body)
            )
    return found


def _samples_root() -> Path:
    from tests.conftest import SAMPLES_DIR

    return SAMPLES_DIR


RECORDINGS = _recordings(_samples_root()) if _samples_root().is_dir() else []
SUCCESSES = [r for r in RECORDINGS if r.status < 400]
FAILURES = [r for r in RECORDINGS if r.status >= 400]

Parser = Callable[[object], Any]


def _spotify_parser(path: str, file: str) -> Parser:
    routes: list[tuple[str, Parser]] = [
        (r"/v1/artists/[^/]+/albums", lambda raw: spotify.parse_albums_page(raw)[0]),
        (r"/v1/artists/[^/]+/top-tracks", spotify.parse_top_tracks),
        (r"/v1/artists/[^/]+", spotify.parse_artist),
        (
            r"/v1/albums/(?P<id>[^/]+)/tracks/?",
            lambda raw: spotify.parse_tracks_page(raw, _album_id(path))[0],
        ),
        (r"/v1/albums/[^/]+", spotify.parse_full_album),
        (r"/v1/albums", spotify.parse_several_albums),
        (r"/v1/search", spotify.parse_artist_search),
        (r"/api/token", spotify.parse_token),
    ]
    return _route(routes, path, file)


def _album_id(path: str) -> str:
    return path.split("/")[3]


def _ticketmaster_parser(path: str, file: str) -> Parser:
    routes: list[tuple[str, Parser]] = [
        (r"/discovery/v2/attractions/[^/]+", ticketmaster.parse_attraction),
        (r"/discovery/v2/attractions(\.json)?", ticketmaster.parse_attractions_page),
        (r"/discovery/v2/events/[^/]+", ticketmaster.parse_event),
        (
            r"/discovery/v2/events(\.json)?",
            lambda raw: ticketmaster.parse_events_page(raw).events,
        ),
    ]
    return _route(routes, path, file)


def _setlistfm_parser(path: str, file: str) -> Parser:
    routes: list[tuple[str, Parser]] = [
        (r"/rest/1.0/artist/[^/]+/setlists", setlistfm.parse_setlists_page),
        (r"/rest/1.0/venue/[^/]+/setlists", setlistfm.parse_setlists_page),
        (r"/rest/1.0/search/setlists", setlistfm.parse_setlists_page),
        (r"/rest/1.0/artist/[^/]+", setlistfm.parse_artist),
        (r"/rest/1.0/search/artists", setlistfm.parse_artists_page),
        (r"/rest/1.0/setlist/(version/)?[^/]+", setlistfm.parse_setlist),
    ]
    return _route(routes, path, file)


# Rows whose request was never recorded: what the index's note says they are.
UNROUTED = {"spotify/several_albums_empty.json": "/v1/albums"}

PARSERS = {
    "spotify": _spotify_parser,
    "ticketmaster": _ticketmaster_parser,
    "setlistfm": _setlistfm_parser,
}

TRANSLATORS = {
    "spotify": spotify.translate_error,
    "ticketmaster": ticketmaster.translate_error,
    "setlistfm": setlistfm.translate_error,
}

# Every recorded error body and the kind it must map to. A new recording
# without an entry here fails the test instead of going untested.
EXPECTED_ERRORS: dict[str, type[UpstreamError]] = {
    "spotify/error_400_invalid_id.json": NotFound,
    "spotify/error_401_access_token_expired.json": Unauthorized,
    "spotify/error_404_non_existing_id.json": NotFound,
    "spotify/error_404_non_existing_id_legacy_format.json": NotFound,
    "spotify/token_error_invalid_client.json": Unauthorized,
    "ticketmaster/error_400_DIS1035_max_paging_depth.json": Rejected,
    "ticketmaster/error_401_invalid_apikey.json": Unauthorized,
    "ticketmaster/error_404_DIS1004_resource_not_found.json": NotFound,
    "ticketmaster/error_429_quota_violation.json": QuotaExceeded,
    "setlistfm/error_404_search_artists_no_match_2017.json": NotFound,
    "setlistfm/error_404_unknown_mbid_docs_example.json": NotFound,
}


def _route(routes: list[tuple[str, Parser]], path: str, file: str) -> Parser:
    for pattern, parser in routes:
        if re.fullmatch(pattern, path):
            return parser
    pytest.fail(f"no parser for {file} ({path}): add a route")


def test_the_samples_are_all_accounted_for() -> None:
    assert len(SUCCESSES) >= 200
    assert {r.id for r in FAILURES} == set(EXPECTED_ERRORS)


@pytest.mark.parametrize("recording", SUCCESSES, ids=lambda r: r.id)
def test_recorded_success_body_parses(recording: Recording) -> None:
    path = recording.path or UNROUTED.get(recording.id)
    assert path is not None, f"{recording.id} has no request path"
    parse = PARSERS[recording.service](path, recording.file)

    result = parse(json.loads(recording.body))

    for page in _pages(result):
        assert page.skipped == 0, page.warnings


@pytest.mark.parametrize("recording", FAILURES, ids=lambda r: r.id)
def test_recorded_error_body_maps_to_its_kind(recording: Recording) -> None:
    translate = TRANSLATORS[recording.service]
    path = recording.path or "/unrecorded"

    error = translate(recording.status, recording.body, path, {})

    assert type(error) is EXPECTED_ERRORS[recording.id]
    assert error.service == recording.service
    assert error.status == recording.status
    assert error.service in str(error)


def _pages(result: object) -> list[Page[Any]]:
    if isinstance(result, Page):
        return [result]
    if isinstance(result, spotify.FullAlbum):
        return [result.tracks]
    if isinstance(result, list):
        return [p for item in result for p in _pages(item)]
    return []
