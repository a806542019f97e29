"""The recorded Gorillaz responses imported through the API, checked over GraphQL."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

GORILLAZ = "3AA28KZvwAUcZuOKwyblJQ"
RECORDING = "spotify/gorillaz_2025-08-31"
# A version descriptor: a bracketed group or a dashed suffix naming one of
# these words, as in "DARE - Soulwax Remix" or "Feel Good Inc. - Instrumental".
VERSION = re.compile(
    r"(\(|\[|\s-\s)[^()\[\]]*\b(live|remix|demo|instrumental)\b", re.IGNORECASE
)
STUDIO_SONGS = (
    "Feel Good Inc.",
    "Clint Eastwood",
    "DARE",
    "Kids with Guns",
    "El Mañana",
    "Dirty Harry",
    "Tranz",
)
SONGS_PAGE = """
query($spotifyId: String!, $after: String) {
  artist(spotifyId: $spotifyId) {
    name
    songs(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { title album { title kind } } }
    }
  }
}
"""


def recorded_track_names(samples_dir: Path) -> set[str]:
    names: set[str] = set()
    for path in (samples_dir / RECORDING / "album_tracks").glob("*.json"):
        names.update(track["name"] for track in json.loads(path.read_text())["items"])
    return names


async def catalog(stack: Stack) -> list[dict[str, Any]]:
    songs: list[dict[str, Any]] = []
    after = None
    while True:
        data = await stack.graphql(SONGS_PAGE, {"spotifyId": GORILLAZ, "after": after})
        connection = data["artist"]["songs"]
        songs += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            assert connection["totalCount"] == len(songs)
            return songs
        after = connection["pageInfo"]["endCursor"]


async def test_the_recorded_catalog_has_each_studio_song_once_and_no_versions(
    e2e_stack: Stack, samples_dir: Path
) -> None:
    stack = e2e_stack
    await stack.start("--recordings", str(samples_dir), workers=1)

    started = await stack.import_artist(spotifyId=GORILLAZ)
    assert started["artist"]["name"] == "Gorillaz"
    final = await stack.wait_for_import(started["artist"]["id"])
    assert final["stage"] == "COMPLETED", final

    titles = [song["title"] for song in await catalog(stack)]
    folded = [title.casefold() for title in titles]
    assert len(set(folded)) == len(folded), sorted(titles)
    for title in STUDIO_SONGS:
        assert titles.count(title) == 1, (title, sorted(titles))
    versions = {
        name for name in recorded_track_names(samples_dir) if VERSION.search(name)
    }
    # The recording holds live, remix, demo and instrumental takes of Feel
    # Good Inc. alone: enough for this test to fail if one became a song.
    assert len([v for v in versions if v.startswith("Feel Good Inc.")]) == 4
    assert not versions & set(titles)
    assert not [title for title in titles if VERSION.search(title)]
    assert final["counts"]["songs"] == len(titles)
