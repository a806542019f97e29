"""The studio song catalog: song keys, version kinds, releases and songs."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from clients.types import SpotifyAlbum, SpotifyTrack
from jobs.names import fold_text, normalize_name

log = logging.getLogger(__name__)


class VersionKind(StrEnum):
    """What kind of recording a track is, read from its title's descriptors.

    A title is a base followed by trailing descriptors: bracketed groups
    ("(Live)", "[Radio Edit]") and dashed suffixes ("- 2011 Remaster",
    "- Claptone Remix"). Descriptors are recognised by whole words, so "Live
    Forever" stays a studio song while "Song - Live at Wembley" is a live
    version of "Song". Where the words belong:

    - STUDIO qualifiers, stripped from the key and still the studio recording:
      remaster(ed) with or without a year, radio/single/album edit, single/
      album/original/extended version, mono, stereo, original/album/mono/stereo
      mix, deluxe/special/expanded/anniversary edition, bonus track, explicit,
      clean, "from the ... soundtrack".
    - LIVE: live, unplugged, concert, session(s). "MTV Unplugged" is a live show.
    - DEMO: demo, outtake, rehearsal.
    - REMIX: remix, mix (other than the studio mixes above), refix, rework,
      dub, VIP, bootleg, mashup, and "<someone> Edit" (an edit that is not a
      radio, single or album edit).
    - INSTRUMENTAL: instrumental, karaoke, backing track.
    - ACAPPELLA: a cappella and its spellings.
    - ACOUSTIC: acoustic, stripped, piano.
    - ALTERNATE: "<anything> version", alternate/alternative/alt, "take 2",
      re-recorded.

    A non-studio version never becomes a song of its own; it is kept as a
    track of the song it is a version of when that song exists, and otherwise
    listed in ``Catalog.unplaced``.
    """

    STUDIO = "studio"
    LIVE = "live"
    DEMO = "demo"
    REMIX = "remix"
    INSTRUMENTAL = "instrumental"
    ACAPPELLA = "acappella"
    ACOUSTIC = "acoustic"
    ALTERNATE = "alternate"


# When one title carries several descriptors, the first kind here wins:
# "Acoustic - Live" is live, "Demo Version" is a demo.
_KIND_PRIORITY = (
    VersionKind.LIVE,
    VersionKind.DEMO,
    VersionKind.REMIX,
    VersionKind.INSTRUMENTAL,
    VersionKind.ACAPPELLA,
    VersionKind.ACOUSTIC,
    VersionKind.ALTERNATE,
)
_KIND_WORDS: dict[VersionKind, frozenset[str]] = {
    VersionKind.LIVE: frozenset(
        {"live", "unplugged", "concert", "session", "sessions", "livestream"}
    ),
    VersionKind.DEMO: frozenset({"demo", "demos", "outtake", "outtakes", "rehearsal"}),
    VersionKind.REMIX: frozenset(
        {
            "remix",
            "remixes",
            "remixed",
            "rmx",
            "mix",
            "mixes",
            "refix",
            "rework",
            "reworked",
            "dub",
            "vip",
            "bootleg",
            "mashup",
            "edit",
        }
    ),
    VersionKind.INSTRUMENTAL: frozenset({"instrumental", "karaoke", "backing"}),
    VersionKind.ACAPPELLA: frozenset({"acappella", "acapella", "cappella", "capella"}),
    VersionKind.ACOUSTIC: frozenset({"acoustic", "acustico", "stripped", "piano"}),
    VersionKind.ALTERNATE: frozenset(
        {"version", "versions", "alternate", "alternative", "alt", "rerecorded"}
    ),
}
# Words that may make up a studio qualifier; one of the triggers must be there.
_STUDIO_TRIGGERS = frozenset(
    {
        "remaster",
        "remastered",
        "edit",
        "edited",
        "mono",
        "stereo",
        "deluxe",
        "bonus",
        "explicit",
        "clean",
        "single",
        "album",
        "radio",
        "extended",
        "original",
        "expanded",
        "anniversary",
        "special",
        "uncensored",
        "censored",
    }
)
_STUDIO_FILLERS = frozenset(
    {
        "version",
        "edition",
        "the",
        "a",
        "digital",
        "digitally",
        "in",
        "lp",
        "ep",
        "track",
        "cut",
        "st",
        "nd",
        "rd",
        "th",
        "year",
        "years",
        "re",
        "mastered",
        "mastering",
        "and",
        "of",
        "length",
        "full",
        "short",
        "long",
        "collectors",
    }
)
# "Mix" is a studio word only in these company ("Original Mix", "Mono Mix").
_STUDIO_MIX_COMPANY = frozenset(
    {"original", "album", "single", "radio", "mono", "stereo"}
)
_SOUNDTRACK_WORDS = frozenset({"soundtrack", "film", "movie", "motion", "series"})
_FEAT_WORDS = frozenset({"feat", "ft", "featuring", "with"})

_FEAT_GROUP = re.compile(
    r"\s*[(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]", re.IGNORECASE
)
_FEAT_TAIL = re.compile(r"\s(?:feat\.?|ft\.|featuring)\s", re.IGNORECASE)
_DASHES = (" - ", " \u2013 ", " \u2014 ")  # hyphen, en dash, em dash
_BRACKET_GROUP = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_CLOSERS = {")": "(", "]": "["}
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th|s)?")


def _is_studio_qualifier(words: Sequence[str]) -> bool:
    if words[0] == "from" and _SOUNDTRACK_WORDS.intersection(words):
        return True
    allowed = _STUDIO_TRIGGERS | _STUDIO_FILLERS
    if "mix" in words and _STUDIO_MIX_COMPANY.intersection(words):
        allowed = allowed | {"mix"}
    if not all(w in allowed or _ORDINAL.fullmatch(w) for w in words):
        return False
    return bool(_STUDIO_TRIGGERS.intersection(words))


def _word_kind(words: Sequence[str]) -> VersionKind | None:
    present = set(words)
    if "take" in present and any(w.isdigit() for w in words):
        present.add("alternate")
    if "re" in present and "recorded" in present:
        present.add("rerecorded")
    for kind in _KIND_PRIORITY:
        if _KIND_WORDS[kind].intersection(present):
            return kind
    return None


def _is_credit(text: str) -> bool:
    words = fold_text(text).split()
    return bool(words) and words[0] in _FEAT_WORDS


def _classify_part(text: str) -> VersionKind | None:
    words = fold_text(text).split()
    if not words:
        return None
    if _is_credit(text) or _is_studio_qualifier(words):
        return VersionKind.STUDIO
    return _word_kind(words)


def _classify(text: str) -> VersionKind | None:
    """The kind a descriptor names; None when it is part of the title itself.

    "Live in NYC;feat. D12" is read part by part.
    """
    kinds = [_classify_part(part) for part in text.split(";")]
    if any(kind is None for kind in kinds):
        return None
    return _strongest(k for k in kinds if k is not None)


def _strongest(kinds: Iterable[VersionKind]) -> VersionKind:
    found = set(kinds)
    for kind in _KIND_PRIORITY:
        if kind in found:
            return kind
    return VersionKind.STUDIO


@dataclass(frozen=True, slots=True)
class TitleParts:
    """A track title taken apart.

    ``base`` keeps the original spelling with featuring credits and recognised
    descriptors removed; ``unknown_suffix`` is a trailing dashed suffix that
    names nothing known ("Andromeda - DRAM Special") and so stays in the base.
    """

    base: str
    kind: VersionKind
    descriptors: tuple[str, ...] = ()
    unknown_suffix: str | None = None


def _trailing_group(text: str) -> tuple[str, str] | None:
    """``(head, inner)`` of a bracketed group closing ``text``, if balanced."""
    if not text or text[-1] not in _CLOSERS:
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in _CLOSERS:
            depth += 1
        elif char in _CLOSERS.values():
            depth -= 1
            if depth == 0:
                return text[:index].rstrip(), text[index + 1 : -1]
    return None


def _trailing_feat(text: str) -> str | None:
    """``text`` without an unbracketed "feat. X" tail, if it ends with one."""
    match = _FEAT_TAIL.search(text)
    if match is None:
        return None
    tail = text[match.start() :]
    if any(c in tail for c in "()[]") or any(d in tail for d in _DASHES):
        return None
    return text[: match.start()].rstrip()


def _trailing_dash(text: str) -> tuple[str, str] | None:
    index = max(text.rfind(dash) for dash in _DASHES)
    if index <= 0:
        return None
    return text[:index].rstrip(), text[index + 3 :].strip()


def parse_title(title: str) -> TitleParts:
    """Split a track (or release) title into its base, kind and descriptors."""
    text = " ".join(_FEAT_GROUP.sub("", title).split())
    kinds: list[VersionKind] = []
    descriptors: list[str] = []
    unknown: str | None = None
    while True:
        bracketed = _trailing_group(text)
        group = bracketed or _trailing_dash(text)
        kind = _classify(group[1]) if group and group[0] else None
        if group and kind is not None:
            if not _is_credit(group[1]):
                kinds.append(kind)
                descriptors.insert(0, group[1])
            text = group[0]
            continue
        without_feat = _trailing_feat(text)
        if without_feat:
            text = without_feat
            continue
        if group and group[0] and bracketed is None:
            unknown = group[1]
        break
    return TitleParts(text, _strongest(kinds), tuple(descriptors), unknown)


def song_key(title: str) -> str:
    """The normalised title a song is known by.

    Case, accents and punctuation folded, featuring credits and version
    descriptors removed, meaningful brackets kept: "Song (Part 2)" and
    "Song (Part 1)" stay two songs, "(Don't Fear) The Reaper" keeps its
    brackets' words.
    """
    return fold_text(parse_title(title).base) or fold_text(title)


def version_kind(title: str) -> VersionKind:
    """What kind of recording a title names, from its trailing descriptors only."""
    return parse_title(title).kind


def clean_title(title: str) -> str:
    """The title to show for a song: credits and version descriptors removed."""
    return parse_title(title).base or title.strip()


def title_aliases(title: str) -> tuple[str, ...]:
    """Other forms a title may be written in, strongest first.

    The key itself, the key without spaces ("Re-Hash" / "Rehash"), without a
    leading "the", and without any bracketed part ("Latin Simone (Que Pasa
    Contigo)" / "Latin Simone").
    """
    key = song_key(title)
    forms = [key, key.replace(" ", "")]
    if key.startswith("the "):
        forms.append(key.removeprefix("the "))
    unbracketed = fold_text(_BRACKET_GROUP.sub(" ", parse_title(title).base))
    if unbracketed:
        forms.extend([unbracketed, unbracketed.replace(" ", "")])
    return tuple(dict.fromkeys(f for f in forms if f))


class SongIndex:
    """Finds the song a title names among known song keys.

    A title matches a key exactly, or through an alias (``title_aliases``)
    that belongs to exactly one song; an alias shared by two songs ("Song" for
    "Song (Part 1)" and "Song (Part 2)") matches neither.
    """

    def __init__(self, titles_by_key: Mapping[str, Iterable[str]]) -> None:
        self._keys = frozenset(titles_by_key)
        owners: dict[str, set[str]] = defaultdict(set)
        for key, titles in titles_by_key.items():
            for alias in (key, key.replace(" ", ""), *_title_forms(titles)):
                owners[alias].add(key)
        self._owners = {alias: frozenset(keys) for alias, keys in owners.items()}
        # Setlists name the same few hundred songs thousands of times.
        self._matched: dict[str, str | None] = {}

    @classmethod
    def from_keys(cls, keys: Iterable[str]) -> SongIndex:
        return cls({key: () for key in keys})

    @property
    def keys(self) -> frozenset[str]:
        return self._keys

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def match(self, title: str) -> str | None:
        """The key of the song ``title`` names, or None."""
        if title not in self._matched:
            self._matched[title] = self._match(title)
        return self._matched[title]

    def _match(self, title: str) -> str | None:
        if not title.strip():
            return None
        aliases = title_aliases(title)
        for alias in aliases:
            if alias in self._keys:
                return alias
        for alias in aliases:
            owners = self._owners.get(alias, frozenset())
            if len(owners) == 1:
                return next(iter(owners))
        return None


def _title_forms(titles: Iterable[str]) -> Iterable[str]:
    for title in titles:
        yield from title_aliases(title)


# --- releases -------------------------------------------------------------


class ReleaseKind(StrEnum):
    ALBUM = "album"
    SINGLE = "single"  # EPs come as singles
    LIVE = "live"
    REMIX = "remix"
    VERSIONS = "versions"  # an instrumental, demo or acoustic edition
    COMPILATION = "compilation"
    APPEARS_ON = "appears_on"


EXCLUDED_RELEASES = frozenset({ReleaseKind.COMPILATION, ReleaseKind.APPEARS_ON})
_LIVE_FOLLOWERS = frozenset({"at", "from", "in", "on", "aus", "en", "au", "im"})
_REMIX_RELEASE_WORDS = frozenset({"remix", "remixes", "remixed", "rmx"})


def _is_live_name(name: str) -> bool:
    words = fold_text(name).split()
    if "unplugged" in words or parse_title(name).kind is VersionKind.LIVE:
        return True
    for word, following in zip(words, [*words[1:], ""], strict=True):
        if word == "live" and (following in _LIVE_FOLLOWERS or following.isdigit()):
            return True
        if word == "in" and following == "concert":
            return True
    return words == ["live"]


def release_kind(album: SpotifyAlbum, artist_id: str) -> ReleaseKind:
    """How a release counts for ``artist_id``'s catalog.

    ``album_group`` decides when present; without it a release whose artists
    do not include the artist is an appearance (an empty artist list is taken
    as the artist's own). Compilations never count. Live and remix releases
    are recognised by name.
    """
    group = album.album_group
    if group == "appears_on" or (
        group is None and album.artist_ids and artist_id not in album.artist_ids
    ):
        return ReleaseKind.APPEARS_ON
    if "compilation" in (group, album.album_type):
        return ReleaseKind.COMPILATION
    if _is_live_name(album.name):
        return ReleaseKind.LIVE
    name_kind = parse_title(album.name).kind
    words = set(fold_text(album.name).split())
    if name_kind is VersionKind.REMIX or _REMIX_RELEASE_WORDS.intersection(words):
        return ReleaseKind.REMIX
    if name_kind is not VersionKind.STUDIO:
        return ReleaseKind.VERSIONS
    if (group or album.album_type) == "single":
        return ReleaseKind.SINGLE
    return ReleaseKind.ALBUM


def release_date_key(value: str | None) -> tuple[int, int, int]:
    """A sortable form of "2010", "2010-03" or "2010-03-03"; unknown dates last.

    A date known only to the year or month sorts before the precise dates of
    the same period.
    """
    if not value:
        return (9999, 99, 99)
    parts = value.split("-")
    try:
        numbers = [int(p) for p in parts[:3]]
    except ValueError:
        return (9999, 99, 99)
    numbers += [0] * (3 - len(numbers))
    return (numbers[0], numbers[1], numbers[2])


@dataclass(frozen=True, slots=True)
class Release:
    album: SpotifyAlbum
    kind: ReleaseKind

    @property
    def id(self) -> str:
        return self.album.id

    @property
    def is_edition(self) -> bool:
        """A deluxe, special or other edition of a release with a plainer name."""
        return bool(parse_title(self.album.name).descriptors)


_RANK = {
    ReleaseKind.ALBUM: 0,
    ReleaseKind.SINGLE: 1,
    ReleaseKind.REMIX: 2,
    ReleaseKind.VERSIONS: 2,
    ReleaseKind.LIVE: 3,
}


def _release_order(release: Release) -> tuple[int, tuple[int, int, int], bool, str]:
    """Albums first, then singles; earliest first; a plain edition before a deluxe."""
    return (
        _RANK.get(release.kind, 9),
        release_date_key(release.album.release_date),
        release.is_edition,
        release.id,
    )


def _duplicate_key(
    album: SpotifyAlbum, tracks: Sequence[SpotifyTrack] | None
) -> tuple[str, int, int | None]:
    count = album.total_tracks
    if count is None and tracks:
        count = len(tracks)
    return (normalize_name(album.name), release_date_key(album.release_date)[0], count)


def collapse_duplicates(
    releases: Sequence[Release],
    tracks_by_album: Mapping[str, Sequence[SpotifyTrack]],
) -> tuple[list[Release], dict[str, str]]:
    """One release per (normalised name, release year, track count).

    Of a group, the release with tracks at hand is kept, then the one with the
    smallest id; unknown years or counts compare equal. Returns the kept
    releases and, for each dropped id, the id kept in its place.
    """
    groups: dict[tuple[str, int, int | None], list[Release]] = defaultdict(list)
    for release in releases:
        tracks = tracks_by_album.get(release.id)
        groups[_duplicate_key(release.album, tracks)].append(release)
    kept: list[Release] = []
    collapsed: dict[str, str] = {}
    for group in groups.values():
        group.sort(key=lambda r: (not tracks_by_album.get(r.id), r.id))
        kept.append(group[0])
        collapsed.update({r.id: group[0].id for r in group[1:]})
    return kept, collapsed


# --- songs ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogTrack:
    """One recording on one release, with the kind of version it is."""

    spotify_id: str
    name: str
    album_id: str
    kind: VersionKind
    release_date: str | None
    disc_number: int = 1
    track_number: int = 0
    duration_ms: int | None = None
    isrc: str | None = None


@dataclass(frozen=True, slots=True)
class Song:
    """A composition: its key, display title, representative and all tracks.

    The representative is the studio track of the earliest album (albums
    before singles); it gives the song its title, Spotify id, duration and ISRC.
    """

    key: str
    title: str
    representative: CatalogTrack
    tracks: tuple[CatalogTrack, ...]

    @property
    def spotify_id(self) -> str:
        return self.representative.spotify_id

    @property
    def track_ids(self) -> tuple[str, ...]:
        return tuple(t.spotify_id for t in self.tracks)

    @property
    def studio_track_ids(self) -> tuple[str, ...]:
        return tuple(t.spotify_id for t in self.tracks if t.kind is VersionKind.STUDIO)

    @property
    def album_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.album_id for t in self.tracks))


@dataclass(frozen=True, slots=True)
class Catalog:
    """An artist's songs and the releases they came from.

    ``releases`` are the kept releases in preference order (albums, singles,
    remix and version releases, live releases; earliest first). ``excluded``
    are compilations and appearances; ``collapsed`` maps each duplicate
    release id to the id kept for it; ``unplaced`` are version tracks whose
    song is not in the catalog (a live-only song, a remix of a compilation
    track).
    """

    artist_id: str
    releases: tuple[Release, ...]
    songs: tuple[Song, ...]
    excluded: tuple[Release, ...] = ()
    collapsed: Mapping[str, str] = field(default_factory=dict)
    unplaced: tuple[CatalogTrack, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.songs)

    def song(self, key: str) -> Song | None:
        return next((s for s in self.songs if s.key == key), None)

    def index(self) -> SongIndex:
        """A title matcher over this catalog, knowing every track's title."""
        return SongIndex({s.key: [t.name for t in s.tracks] for s in self.songs})


def _track_kind(track: SpotifyTrack, release: Release) -> VersionKind:
    """A track's version kind, with what its release says about it.

    Every track of a live release is live. A plain-titled track on a remix or
    version album is taken as one of its versions; on a single of that kind
    it is the original A-side and stays a studio track.
    """
    kind = version_kind(track.name)
    if kind is not VersionKind.STUDIO:
        return kind
    if release.kind is ReleaseKind.LIVE:
        return VersionKind.LIVE
    if release.kind in (ReleaseKind.REMIX, ReleaseKind.VERSIONS):
        if release.album.album_type == "single":
            return VersionKind.STUDIO
        name_kind = parse_title(release.album.name).kind
        is_remix = release.kind is ReleaseKind.REMIX
        return VersionKind.REMIX if is_remix else name_kind
    return VersionKind.STUDIO


def _catalog_track(track: SpotifyTrack, release: Release) -> CatalogTrack:
    return CatalogTrack(
        spotify_id=track.id,
        name=track.name,
        album_id=release.id,
        kind=_track_kind(track, release),
        release_date=release.album.release_date,
        disc_number=track.disc_number,
        track_number=track.track_number,
        duration_ms=track.duration_ms,
        isrc=track.isrc,
    )


class _SongBuilder:
    """Places tracks into songs, in release preference order."""

    def __init__(self) -> None:
        self.tracks: dict[str, list[CatalogTrack]] = {}
        self.key_by_isrc: dict[str, str] = {}
        self.unplaced: list[CatalogTrack] = []

    def add(self, key: str, track: CatalogTrack) -> None:
        self.tracks.setdefault(key, []).append(track)
        if track.isrc:
            self.key_by_isrc.setdefault(track.isrc, key)

    def by_isrc(self, track: CatalogTrack) -> str | None:
        return self.key_by_isrc.get(track.isrc) if track.isrc else None

    def index(self) -> SongIndex:
        return SongIndex({k: [t.name for t in ts] for k, ts in self.tracks.items()})


def _place_originals(builder: _SongBuilder, tracks: Sequence[CatalogTrack]) -> None:
    """Studio tracks with plain titles create the songs (ISRCs join recordings)."""
    for track in tracks:
        key = builder.by_isrc(track) or song_key(track.name)
        builder.add(key, track)


def _place_unknown_suffixes(
    builder: _SongBuilder, tracks: Sequence[CatalogTrack]
) -> None:
    """A studio title with an unrecognised dashed suffix joins its base song.

    "Andromeda - DRAM Special" is a version of "Andromeda" when that song
    exists (recorded as ALTERNATE); otherwise the whole title is a song.
    """
    for track in tracks:
        key = builder.by_isrc(track) or song_key(track.name)
        if key in builder.tracks:
            builder.add(key, track)
            continue
        base_title = _trailing_dash(parse_title(track.name).base)
        base_key = builder.index().match(base_title[0]) if base_title else None
        if base_key is None:
            builder.add(key, track)
        else:
            builder.add(base_key, replace(track, kind=VersionKind.ALTERNATE))


def _place_versions(builder: _SongBuilder, tracks: Sequence[CatalogTrack]) -> None:
    """Versions join the song they are a version of, never making a new one."""
    index = builder.index()
    for track in tracks:
        key = builder.by_isrc(track) or index.match(track.name)
        if key is None:
            builder.unplaced.append(track)
        else:
            builder.add(key, track)


def _representative_order(
    track: CatalogTrack, rank: Mapping[str, int]
) -> tuple[int, int, int, int, str]:
    plain = not parse_title(track.name).descriptors
    return (
        rank[track.album_id],
        0 if plain else 1,
        track.disc_number,
        track.track_number,
        track.spotify_id,
    )


def _make_song(key: str, tracks: list[CatalogTrack], rank: Mapping[str, int]) -> Song:
    ordered = sorted(tracks, key=lambda t: _representative_order(t, rank))
    studio = [t for t in ordered if t.kind is VersionKind.STUDIO] or ordered
    representative = studio[0]
    return Song(key, clean_title(representative.name), representative, tuple(ordered))


def build_catalog(
    artist_id: str,
    albums: Iterable[SpotifyAlbum],
    tracks_by_album: Mapping[str, Sequence[SpotifyTrack]],
) -> Catalog:
    """The artist's songs from their albums and singles.

    Compilations and appearances are left out, duplicate releases collapse to
    one, and every kept track becomes a track of exactly one song or is listed
    as unplaced. Songs come in the order of their representative tracks.
    """
    everything = [Release(a, release_kind(a, artist_id)) for a in albums]
    excluded = tuple(r for r in everything if r.kind in EXCLUDED_RELEASES)
    kept, collapsed = collapse_duplicates(
        [r for r in everything if r.kind not in EXCLUDED_RELEASES], tracks_by_album
    )
    releases = tuple(sorted(kept, key=_release_order))
    rank = {r.id: i for i, r in enumerate(releases)}
    originals, suffixed, versions = _sort_tracks(releases, tracks_by_album)

    builder = _SongBuilder()
    _place_originals(builder, originals)
    _place_unknown_suffixes(builder, suffixed)
    _place_versions(builder, versions)

    songs = [_make_song(k, ts, rank) for k, ts in builder.tracks.items()]
    songs.sort(key=lambda s: (_representative_order(s.representative, rank), s.key))
    catalog = Catalog(
        artist_id,
        releases,
        tuple(songs),
        excluded,
        collapsed,
        tuple(builder.unplaced),
    )
    log.info(
        "catalog built",
        extra={
            "artist_id": artist_id,
            "releases": len(releases),
            "excluded": len(excluded),
            "collapsed": len(collapsed),
            "songs": len(songs),
            "unplaced": len(builder.unplaced),
        },
    )
    return catalog


def _sort_tracks(
    releases: Sequence[Release],
    tracks_by_album: Mapping[str, Sequence[SpotifyTrack]],
) -> tuple[list[CatalogTrack], list[CatalogTrack], list[CatalogTrack]]:
    """Originals, studio titles with unknown suffixes, and versions, in order."""
    originals: list[CatalogTrack] = []
    suffixed: list[CatalogTrack] = []
    versions: list[CatalogTrack] = []
    seen: set[str] = set()
    for release in releases:
        ordered = sorted(
            tracks_by_album.get(release.id, ()),
            key=lambda t: (t.disc_number, t.track_number, t.id),
        )
        for track in ordered:
            if track.id in seen:
                continue
            seen.add(track.id)
            item = _catalog_track(track, release)
            if item.kind is not VersionKind.STUDIO:
                versions.append(item)
            elif parse_title(track.name).unknown_suffix:
                suffixed.append(item)
            else:
                originals.append(item)
    return originals, suffixed, versions
