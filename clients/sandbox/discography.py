"""Generated discographies: releases, compositions and the tracks that record them.

Every track knows its composition and version, so the ground truth comes from
here and never from re-running Encore's title rules.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from clients.sandbox import ids
from clients.sandbox.store import fold
from clients.sandbox.vocabulary import (
    ADJECTIVES,
    GUESTS,
    NOUNS,
    QUALIFIER_WORD_TITLES,
    REMIXERS,
    VERBS,
)

# Versions that are the composition itself; the rest never become songs.
STUDIO_VERSIONS = frozenset({"studio", "radio_edit", "remaster"})
SONG_GROUPS = frozenset({"album", "single"})

# (kind, share of all releases, number of releases from which one is certain)
_SHARES = (
    ("deluxe", 0.06, 6),
    ("duplicate", 0.03, 8),
    ("remaster", 0.03, 12),
    ("live", 0.07, 6),
    ("remix", 0.06, 10),
    ("compilation", 0.05, 8),
    ("appears_on", 0.06, 10),
)
_COPY_KINDS = frozenset({"duplicate", "remaster"})  # exactly the base's length
_SHRINK_ORDER = (
    "appears_on", "live", "compilation", "deluxe", "remix", "standalone", "single",
)  # fmt: skip
_GROUPS = {
    "studio": ("album", "album"),
    "duplicate": ("album", "album"),
    "deluxe": ("album", "album"),
    "remaster": ("album", "album"),
    "live": ("album", "album"),
    "single": ("single", "single"),
    "standalone": ("single", "single"),
    "remix": ("single", "single"),
    "compilation": ("compilation", "compilation"),
    "appears_on": ("appears_on", "album"),
}


@dataclass(slots=True, eq=False)
class Composition:
    title: str
    guest: str | None
    first_release: dt.date
    weight: int = 1
    tracks: list[Track] = field(default_factory=list)

    @property
    def album_title(self) -> str:
        return f"{self.title} (feat. {self.guest})" if self.guest else self.title


@dataclass(slots=True, eq=False)
class Track:
    name: str
    composition: Composition | None  # None: another artist's song
    version: str
    isrc: str
    guests: tuple[str, ...] = ()
    by_other: str | None = None  # main artist when it is not ours
    disc: int = 1
    release: Release | None = None
    id: str = ""
    duration_ms: int = 0


@dataclass(slots=True, eq=False)
class Release:
    kind: str
    date: dt.date
    size: int
    base: Release | None = None
    name: str = ""
    id: str = ""
    other_artist: str | None = None
    songs: list[Composition] = field(default_factory=list)
    tracks: list[Track] = field(default_factory=list)

    @property
    def group(self) -> str:
        return _GROUPS[self.kind][0]

    @property
    def album_type(self) -> str:
        if self.kind == "appears_on" and self.other_artist == "Various Artists":
            return "compilation"
        return _GROUPS[self.kind][1]


@dataclass(slots=True)
class Discography:
    releases: list[Release]
    compositions: list[Composition]


class DiscographyBuilder:
    """Plans releases for a size, dates them, fits track counts, fills them."""

    def __init__(
        self, rng: random.Random, artist: str, albums: int, tracks: int, today: dt.date
    ) -> None:
        self.rng = rng
        self.artist = artist
        self.wanted_tracks = tracks
        self.today = today
        self.compositions: list[Composition] = []
        self.taken: set[str] = set()
        self.releases = self._plan(albums)

    def build(self) -> Discography:
        if not self.releases:
            return Discography([], [])
        self._date()
        self._fit_sizes()
        for release in self._studio():
            release.songs = [
                self._new_composition(release.date) for _ in range(release.size)
            ]
        self._special_titles()
        # Albums first, so singles and copies can reuse their recordings.
        for release in self._studio():
            self._fill(release)
        rest = [r for r in self.releases if r.kind != "studio"]
        for release in sorted(rest, key=lambda r: r.date):
            self._fill(release)
        self.compositions.sort(key=lambda c: c.first_release)
        return Discography(self.releases, self.compositions)

    # planning

    def _plan(self, albums: int) -> list[Release]:
        if albums <= 0:
            return []
        studio = max(1, round(albums * 0.25))
        counts = {"studio": studio}
        left = albums - studio
        for kind, share, certain_from in _SHARES:
            n = round(albums * share)
            if albums >= certain_from:
                n = max(1, n)
            if kind in ("deluxe", "duplicate"):
                n = min(n, studio)
            if kind == "remaster":
                n = min(n, max(1, studio // 2))
            counts[kind] = min(n, left)
            left -= counts[kind]
        counts["standalone"] = left // 3
        counts["single"] = left - counts["standalone"]
        today = self.today
        releases = [
            Release(kind, today, 0) for kind, n in counts.items() for _ in range(n)
        ]
        studios = [r for r in releases if r.kind == "studio"]
        for kind in ("deluxe", "duplicate", "remaster"):
            # Remasters come decades later, so they take the older albums.
            older = studios[: max(1, len(studios) // 2)]
            eligible = older if kind == "remaster" else studios
            bases = self.rng.sample(eligible, k=counts[kind])
            for release, base in zip(self._of(releases, kind), bases, strict=True):
                release.base = base
        for i, release in enumerate(self._of(releases, "single", "remix")):
            release.base = studios[i % len(studios)]
        return releases

    def _date(self) -> None:
        rng = self.rng
        studios = self._studio()
        span = int(365 * min(40.0, 2 + len(studios) * 1.5))
        last = self.today - dt.timedelta(days=rng.randint(60, 400))
        gap = span // max(1, len(studios))
        for i, release in enumerate(studios):
            back = (len(studios) - 1 - i) * gap + rng.randint(0, max(1, gap // 4))
            release.date = last - dt.timedelta(days=back if i < len(studios) - 1 else 0)
        first = studios[0].date
        offsets = {
            "duplicate": (0, 0),
            "deluxe": (180, 400),
            "remaster": (3650, 7300),
            "single": (-90, -20),
            "remix": (60, 200),
        }
        latest = self.today - dt.timedelta(days=7)
        for release in self.releases:
            if release.kind == "studio":
                continue
            if release.base is not None:
                low, high = offsets[release.kind]
                day = release.base.date + dt.timedelta(days=rng.randint(low, high))
            else:
                era = rng.randint(0, (latest - first).days)
                day = first + dt.timedelta(days=era + rng.randint(30, 120))
            floor = (
                release.base.date
                if release.kind != "single" and release.base
                else first
            )
            release.date = max(floor, min(day, latest))

    def _fit_sizes(self) -> None:
        rng = self.rng
        starts = {
            "studio": (9, 13), "deluxe": (3, 5), "single": (1, 3),
            "standalone": (1, 2), "remix": (3, 5), "live": (10, 16),
            "compilation": (12, 18), "appears_on": (2, 6),
        }  # fmt: skip
        for release in self.releases:
            if release.kind not in _COPY_KINDS:
                release.size = rng.randint(*starts[release.kind])
        self._grow_or_shrink()

    def _grow_or_shrink(self) -> None:
        """Reach the wanted track count, growing albums and the rest in turn."""
        studios = self._studio()
        cost = {id(s): 1 + len(self._copies_of(s)) for s in studios}
        free = [r for r in self.releases if r.kind in _SHRINK_ORDER]
        free.sort(key=lambda r: _SHRINK_ORDER.index(r.kind))
        diff = self.wanted_tracks - self._total()
        turn = 0
        while diff > 0:
            album = studios[(turn // 2) % len(studios)]
            if free and (turn % 2 or cost[id(album)] > diff):
                free[(turn // 2) % len(free)].size += 1
                diff -= 1
            elif cost[id(album)] <= diff:
                album.size += 1
                diff -= cost[id(album)]
            else:
                break
            turn += 1
        for release in free:
            while diff < 0 and release.size > 1:
                release.size -= 1
                diff += 1
        for album in studios:
            while diff < 0 and album.size > 1:
                album.size -= 1
                diff += cost[id(album)]
        self._sync_copies()

    def _copies_of(self, album: Release) -> list[Release]:
        """Releases that repeat every track of an album (deluxe editions too)."""
        repeats = _COPY_KINDS | {"deluxe"}
        return [r for r in self.releases if r.base is album and r.kind in repeats]

    def _sync_copies(self) -> None:
        for release in self.releases:
            if release.kind in _COPY_KINDS and release.base is not None:
                release.size = release.base.size

    def _total(self) -> int:
        self._sync_copies()
        return sum(
            r.size + (r.base.size if r.kind == "deluxe" and r.base else 0)
            for r in self.releases
        )

    # titles

    def _new_composition(self, day: dt.date, title: str | None = None) -> Composition:
        rng = self.rng
        title = title or self._fresh_title()
        self.taken.add(fold(title))
        guest = rng.choice(GUESTS) if rng.random() < 0.12 else None
        song = Composition(title, guest, day, weight=rng.choice((1, 1, 1, 2, 3)))
        self.compositions.append(song)
        return song

    def _fresh_title(self) -> str:
        rng = self.rng
        for _ in range(200):
            shape = rng.random()
            if shape < 0.45:
                title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
            elif shape < 0.65:
                title = f"{rng.choice(VERBS)} the {rng.choice(NOUNS)}"
            elif shape < 0.8:
                title = f"{rng.choice(NOUNS)} of {rng.choice(NOUNS)}"
            elif shape < 0.9:
                title = rng.choice(NOUNS)
            else:
                first, second, third = rng.sample(NOUNS, 3)
                title = f"{first}, {second} & {third}"
            if fold(title) not in self.taken:
                return title
        return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} No. {len(self.taken) + 1}"

    def _special_titles(self) -> None:
        """Give the first albums the titles that trip naive rules."""
        studios = self._studio()
        first = studios[0].songs
        specials = [t for t in QUALIFIER_WORD_TITLES if fold(t) not in self.taken]
        for song, title in zip(first[1:3], specials[:2], strict=False):
            self._retitle(song, title)
        if len(studios) > 1 and len(studios[1].songs) > 1 and len(first) > 0:
            self._retitle(studios[1].songs[-1], f"{first[0].title} (Part II)")

    def _retitle(self, song: Composition, title: str) -> None:
        self.taken.discard(fold(song.title))
        song.title = title
        song.guest = None
        self.taken.add(fold(title))

    # filling releases

    def _fill(self, release: Release) -> None:
        filler = getattr(self, f"_fill_{release.kind}")
        filler(release)
        for track in release.tracks:
            track.release = release
            song = track.composition
            if song is None:
                continue
            song.tracks.append(track)
            if track.version in STUDIO_VERSIONS and release.group in SONG_GROUPS:
                song.first_release = min(song.first_release, release.date)

    def _track(
        self, song: Composition, name: str, version: str, isrc: str = ""
    ) -> Track:
        guests = (song.guest,) if song.guest and "feat." in name else ()
        return Track(name, song, version, isrc or self._isrc(song), guests)

    def _isrc(self, song: Composition) -> str:
        return ids.isrc(self.rng, "GB", song.first_release.year)

    def _released_by(self, day: dt.date) -> list[Composition]:
        songs = [c for c in self.compositions if c.first_release <= day]
        return songs or self.compositions[:5]

    def _cycle(self, songs: list[Composition], n: int) -> Iterator[Composition]:
        pool = list(songs)
        self.rng.shuffle(pool)
        for i in range(n):
            yield pool[i % len(pool)]

    def _fill_studio(self, release: Release) -> None:
        release.name = self._album_name()
        release.tracks = [
            self._track(s, s.album_title, "studio") for s in release.songs
        ]

    def _album_name(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        return (
            rng.choice(("The ", ""))
            + rng.choice(NOUNS)
            + rng.choice(("s", "", " Songs"))
        )

    def _fill_duplicate(self, release: Release) -> None:
        base = self._base(release)
        release.name = base.name
        release.tracks = [
            Track(t.name, t.composition, t.version, t.isrc, t.guests)
            for t in base.tracks
        ]

    def _fill_remaster(self, release: Release) -> None:
        base = self._base(release)
        year = release.date.year
        release.name = f"{base.name} ({year} Remaster)"
        release.tracks = []
        for cut in base.tracks:
            isrc = self._isrc(self._song(cut))
            name = f"{cut.name} - {year} Remaster"
            release.tracks.append(
                Track(name, cut.composition, "remaster", isrc, cut.guests)
            )

    def _fill_deluxe(self, release: Release) -> None:
        base = self._base(release)
        release.name = f"{base.name} (Deluxe Edition)"
        release.tracks = [
            Track(t.name, t.composition, t.version, t.isrc, t.guests)
            for t in base.tracks
        ]
        bonus: list[Track] = []
        if release.size >= 2:
            song = self._new_composition(release.date)
            bonus.append(self._track(song, song.title, "studio"))
        venue = f"The {self.rng.choice(NOUNS)} Ballroom"
        forms = (
            ("{} - Demo", "demo"), ("{} - Instrumental", "instrumental"),
            ("{} (Demo)", "demo"), ("{} - Live at " + venue, "live"),
        )  # fmt: skip
        songs = list(self._cycle(base.songs, release.size - len(bonus)))
        for i, song in enumerate(songs):
            shift = i // max(1, len(base.songs))
            pattern, version = forms[(i + shift) % len(forms)]
            bonus.append(self._track(song, pattern.format(song.title), version))
        for track in bonus:
            track.disc = 2
        release.tracks += bonus

    def _fill_single(self, release: Release) -> None:
        base = self._base(release)
        a_side = self.rng.choice(base.songs)
        a_side.weight += 3  # singles are the songs a band keeps playing
        release.name = a_side.album_title
        album_cut = next((t for t in base.tracks if t.composition is a_side), None)
        isrc = album_cut.isrc if album_cut else ""
        tracks = [self._track(a_side, a_side.album_title, "studio", isrc)]
        extras = [
            lambda: self._track(
                a_side, f"{a_side.album_title} - Radio Edit", "radio_edit"
            ),
            lambda: self._b_side(release.date),
            lambda: self._track(
                a_side, f"{a_side.title} - Instrumental", "instrumental"
            ),
        ]
        for i in range(1, release.size):
            if i - 1 < len(extras):
                tracks.append(extras[i - 1]())
            else:
                remixer = REMIXERS[i % len(REMIXERS)]
                tracks.append(
                    self._track(a_side, f"{a_side.title} - {remixer} Remix", "remix")
                )
        release.tracks = tracks

    def _b_side(self, day: dt.date) -> Track:
        song = self._new_composition(day)
        return self._track(song, song.album_title, "studio")

    def _fill_standalone(self, release: Release) -> None:
        song = self._new_composition(release.date)
        song.weight += 2
        release.name = song.album_title
        release.tracks = [self._track(song, song.album_title, "studio")]
        for i in range(1, release.size):
            if i == 1:
                name, version = f"{song.album_title} - Radio Edit", "radio_edit"
            else:
                name, version = (
                    f"{song.title} - {REMIXERS[i % len(REMIXERS)]} Remix",
                    "remix",
                )
            release.tracks.append(self._track(song, name, version))

    def _fill_remix(self, release: Release) -> None:
        base = self._base(release)
        songs = list(self._cycle(base.songs, max(1, release.size // 4 + 1)))
        release.name = f"{songs[0].title} (Remixes)"
        tracks = []
        for i in range(release.size):
            song = songs[(i // 4) % len(songs)]
            if i % 4 == 3:
                tracks.append(self._track(song, f"{song.title} (Remix)", "remix"))
            else:
                remixer = REMIXERS[(i + len(song.title)) % len(REMIXERS)]
                tracks.append(
                    self._track(song, f"{song.title} - {remixer} Remix", "remix")
                )
        release.tracks = tracks

    def _fill_live(self, release: Release) -> None:
        rng = self.rng
        venue = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} Hall"
        release.name = rng.choice(
            (f"Live at {venue}", f"Live at {venue} ({release.date.year})")
        )
        forms = (f"{{}} - Live at {venue}", "{} (Live)", "{} - Live")
        form = rng.choice(forms)
        songs = self._cycle(self._released_by(release.date), release.size)
        release.tracks = [self._track(s, form.format(s.title), "live") for s in songs]

    def _fill_compilation(self, release: Release) -> None:
        rng = self.rng
        release.name = rng.choice(
            ("Greatest Hits", f"The Best of {self.artist}", "Essentials", "Anthology")
        )
        year = rng.randint(release.date.year - 1, release.date.year)
        songs = self._cycle(self._released_by(release.date), release.size)
        tracks = []
        for i, song in enumerate(songs):
            if i % 3 == 0:
                tracks.append(
                    self._track(song, f"{song.title} - {year} Remaster", "remaster")
                )
            elif i % 3 == 1:
                tracks.append(self._track(song, song.album_title, "studio"))
            else:
                tracks.append(
                    self._track(song, f"{song.title} - Radio Edit", "radio_edit")
                )
        release.tracks = tracks

    def _fill_appears_on(self, release: Release) -> None:
        rng = self.rng
        other = rng.choice((*GUESTS, "Various Artists"))
        release.other_artist = other
        release.name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        host = other if other != "Various Artists" else rng.choice(GUESTS)
        feature = f"{rng.choice(VERBS)} the {rng.choice(NOUNS)} (feat. {self.artist})"
        year = release.date.year
        tracks = [
            Track(feature, None, "feature", ids.isrc(rng, "US", year), by_other=host)
        ]
        for _ in range(release.size - 1):
            title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
            isrc = ids.isrc(rng, "US", year)
            tracks.append(Track(title, None, "other_artist", isrc, by_other=host))
        rng.shuffle(tracks)
        release.tracks = tracks

    # helpers

    def _studio(self) -> list[Release]:
        return sorted(self._of(self.releases, "studio"), key=lambda r: r.date)

    @staticmethod
    def _of(releases: list[Release], *kinds: str) -> list[Release]:
        return [r for r in releases if r.kind in kinds]

    @staticmethod
    def _base(release: Release) -> Release:
        if release.base is None:
            raise ValueError(f"a {release.kind} release needs a base album")
        return release.base

    @staticmethod
    def _song(track: Track) -> Composition:
        if track.composition is None:
            raise ValueError("an appearance track has no composition of ours")
        return track.composition
