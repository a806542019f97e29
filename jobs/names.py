"""Artist names: normalisation and choosing the one search result that is meant."""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from clients.types import SetlistArtist, SpotifyArtist, TmAttraction
from encore.errors import BadInputError, NotFoundError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Letters NFKD leaves whole although people type them as plain Latin letters.
_LETTER_FOLDS = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ß": "ss",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "\u0131": "i",  # dotless i
    }
)
# Straight and typographic apostrophes, backtick, acute accent, modifier letter.
_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4\u02bc]")
_NON_WORD = re.compile(r"[\W_]+")
_AMPERSAND = re.compile(r"\s*&\s*")

# A tie between exact matches is settled by weight only when the leader is this
# many times heavier: "17 upcoming shows against 0" decides, "1,000 followers
# against 300" does not.
DECISIVE_RATIO = 10.0
CLOSEST_SHOWN = 5


def fold_text(text: str) -> str:
    """Lower-case words of ``text``: accents, apostrophes and punctuation folded.

    "&" reads as "and"; apostrophes vanish ("Don't" is "dont") and every other
    run of punctuation becomes one space.
    """
    folded = unicodedata.normalize("NFKD", text.translate(_LETTER_FOLDS))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _AMPERSAND.sub(" and ", folded.casefold())
    folded = _APOSTROPHES.sub("", folded)
    return " ".join(_NON_WORD.sub(" ", folded).split())


def normalize_name(name: str) -> str:
    """The form two names are compared in: "The Beatles" == "beatles" == "BEATLES!".

    Case, accents and punctuation are folded, "&" is "and", and a leading "the"
    is dropped (unless nothing would be left). A name of punctuation only
    ("!!!") keeps its stripped, case-folded text so it is never empty.
    """
    words = fold_text(name).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words) or name.strip().casefold()


def _compact(normalized: str) -> str:
    # "AC/DC" and "AC DC" are one name; spacing is not part of a name's identity.
    return normalized.replace(" ", "")


@dataclass(frozen=True, slots=True)
class NameCandidate(Generic[T]):
    """One search result: its name, what it stands for, and a weight.

    The weight is whatever says how alive a candidate is (upcoming events,
    followers); only a decisive difference in it settles a tie.
    """

    name: str
    value: T
    weight: float = 0.0

    @property
    def normalized(self) -> str:
        return normalize_name(self.name)


def _describe(candidates: Sequence[NameCandidate[Any]]) -> str:
    return ", ".join(f'"{c.name}"' for c in candidates) or "none"


class NoConvincingMatch(NotFoundError):
    """No candidate's name is the name asked for; ``closest`` lists the nearest."""

    def __init__(
        self, query: str, closest: Sequence[NameCandidate[Any]], what: str = "artist"
    ) -> None:
        self.query = query
        self.closest = tuple(closest)
        super().__init__(
            f'no {what} named "{query}" among the search results; '
            f"closest: {_describe(self.closest)}. Use an id to pick one."
        )


class AmbiguousName(BadInputError):
    """Several candidates carry the asked name and nothing decisive tells them apart.

    A bad-input error: the caller can fix it by naming the artist by id.
    """

    def __init__(
        self, query: str, matches: Sequence[NameCandidate[Any]], what: str = "artist"
    ) -> None:
        self.query = query
        self.matches = tuple(matches)
        super().__init__(
            f'{len(self.matches)} {what}s are named "{query}": '
            f"{_describe(self.matches)}. Use an id to pick one."
        )


def _by_weight(candidate: NameCandidate[Any]) -> tuple[float, str]:
    return (-candidate.weight, candidate.name)


def _is_decisive(leader: NameCandidate[Any], runner_up: NameCandidate[Any]) -> bool:
    if leader.weight <= 0:
        return False
    return leader.weight >= DECISIVE_RATIO * max(runner_up.weight, 0.0)


def closest_candidates(
    query: str, candidates: Iterable[NameCandidate[T]], limit: int = CLOSEST_SHOWN
) -> tuple[NameCandidate[T], ...]:
    """The candidates whose normalised names look most like ``query``'s."""
    target = normalize_name(query)

    def nearness(candidate: NameCandidate[T]) -> tuple[float, float, str]:
        ratio = difflib.SequenceMatcher(None, target, candidate.normalized).ratio()
        return (-ratio, -candidate.weight, candidate.name)

    return tuple(sorted(candidates, key=nearness)[:limit])


def match_name(
    query: str, candidates: Iterable[NameCandidate[T]], *, what: str = "artist"
) -> NameCandidate[T]:
    """The candidate whose normalised name is ``query``'s, never just the first hit.

    Raises ``NoConvincingMatch`` when no name matches and ``AmbiguousName``
    when several do and their weights do not decide (see ``DECISIVE_RATIO``).
    """
    pool = list(candidates)
    target = _compact(normalize_name(query))
    exact = sorted(
        (c for c in pool if _compact(c.normalized) == target), key=_by_weight
    )
    if not exact:
        raise NoConvincingMatch(query, closest_candidates(query, pool), what)
    if len(exact) > 1 and not _is_decisive(exact[0], exact[1]):
        raise AmbiguousName(query, exact, what)
    chosen = exact[0]
    log.debug(
        "name matched",
        extra={"query": query, "matched": chosen.name, "exact_matches": len(exact)},
    )
    return chosen


def attraction_candidates(
    attractions: Iterable[TmAttraction],
) -> list[NameCandidate[TmAttraction]]:
    """Ticketmaster attractions as candidates, weighed by upcoming events.

    Attractions that are not music (a sports team called "... Maidens") are left
    out: an import is about a music artist.
    """
    return [
        NameCandidate(a.name, a, float(a.upcoming_events or 0))
        for a in attractions
        if a.is_music
    ]


def spotify_artist_candidates(
    artists: Iterable[SpotifyArtist],
) -> list[NameCandidate[SpotifyArtist]]:
    """Spotify artists as candidates, weighed by followers (0 where not given)."""
    return [NameCandidate(a.name, a, float(a.followers or 0)) for a in artists]


def setlist_artist_candidates(
    artists: Iterable[SetlistArtist],
) -> list[NameCandidate[SetlistArtist]]:
    """setlist.fm artists as candidates; they carry no weight to break ties."""
    return [NameCandidate(a.name, a) for a in artists]
