"""Deterministic artists, consistent across Spotify, Ticketmaster and setlist.fm.

Each aspect of an artist draws from its own stream seeded by the sandbox seed
and the artist's name, so the same seed gives the same bytes and changing one
size (events, say) leaves the others as they were.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections import Counter
from dataclasses import dataclass, field

from clients.sandbox import ids
from clients.sandbox.config import ArtistSpec
from clients.sandbox.discography import (
    SONG_GROUPS,
    STUDIO_VERSIONS,
    Composition,
    Discography,
    DiscographyBuilder,
    Release,
    Track,
)
from clients.sandbox.store import JSON, Store
from clients.sandbox.touring import EventPlanner, SetlistPlanner, slug, venue_pool
from clients.sandbox.vocabulary import ADJECTIVES, NOUNS

SPOTIFY_API = "https://api.spotify.com/v1"
MARKETS = (
    "AR", "AT", "AU", "BE", "BR", "CA", "CH", "CL", "DE", "DK", "ES", "FI", "FR",
    "GB", "IE", "IT", "JP", "MX", "NL", "NO", "NZ", "PL", "PT", "SE", "US",
)  # fmt: skip
_GROUP_ORDER = ("album", "single", "compilation", "appears_on")
_GENRES = {
    "Rock": ("KnvZfZ7vAeA", "KZazBEonSMnZfZ7v6F1", "Pop"),
    "Metal": ("KnvZfZ7vAvt", "KZazBEonSMnZfZ7vkFd", "Heavy Metal"),
    "Pop": ("KnvZfZ7vAev", "KZazBEonSMnZfZ7v6F1", "Pop"),
    "Alternative": ("KnvZfZ7vAvv", "KZazBEonSMnZfZ7vAde", "Alternative Rock"),
}
_LABELS = ("Northbound Records", "Parlour Music", "Quiet Harbor", "Static Age Ltd")


@dataclass(slots=True)
class GeneratedArtist:
    """One artist's records for all three services, plus its ground truth."""

    spec: ArtistSpec
    slug: str
    spotify_artist: JSON | None = None
    albums: list[tuple[JSON, list[JSON]]] = field(default_factory=list)
    listing: list[JSON] = field(default_factory=list)
    isrcs: dict[str, str] = field(default_factory=dict)
    other_spotify_artists: list[JSON] = field(default_factory=list)
    attraction: JSON | None = None
    support: list[JSON] = field(default_factory=list)
    events: list[JSON] = field(default_factory=list)
    setlist_artist: JSON | None = None
    setlists: list[JSON] = field(default_factory=list)
    truth: JSON = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArtistIds:
    spotify: str
    ticketmaster: str
    mbid: str
    legacy: int


def generate_artist(spec: ArtistSpec, seed: int, today: dt.date) -> GeneratedArtist:
    """Build every record of one artist; pure, so safe to cache or repeat."""
    ids_rng = random.Random(f"{seed}|ids|{spec.name}")
    artist_ids = ArtistIds(
        spotify=spec.spotify_id or ids.spotify_id(ids_rng),
        ticketmaster=spec.ticketmaster_id or ids.attraction_id(ids_rng),
        mbid=spec.musicbrainz_id or ids.musicbrainz_id(ids_rng),
        legacy=ids.legacy_artist_id(ids_rng),
    )
    generated = GeneratedArtist(spec=spec, slug=slug(spec.name))
    disco_rng = random.Random(f"{seed}|discography|{spec.name}")
    albums = spec.albums if spec.on_spotify else 0
    disco = DiscographyBuilder(disco_rng, spec.name, albums, spec.tracks, today).build()
    if spec.on_spotify:
        _spotify(generated, disco, artist_ids, disco_rng, today)
    if spec.on_ticketmaster:
        _ticketmaster(generated, disco, artist_ids, seed, today)
    if spec.mbid and spec.on_setlistfm:
        _setlistfm(generated, disco, artist_ids, seed, today)
    generated.truth = _truth(generated, disco, artist_ids)
    return generated


def register(store: Store, artist: GeneratedArtist, origin: str) -> JSON:
    """Add an artist's records to the store; returns its summary."""
    catalog = store.spotify
    if artist.spotify_artist is not None:
        catalog.artists[artist.spotify_artist["id"]] = artist.spotify_artist
        catalog.artist_albums[artist.spotify_artist["id"]] = artist.listing
    for other in artist.other_spotify_artists:
        catalog.artists.setdefault(other["id"], other)
    for album, tracks in artist.albums:
        catalog.add_album(album, tracks)
    catalog.isrcs.update(artist.isrcs)
    for attraction in (artist.attraction, *artist.support):
        if attraction is not None:
            store.ticketmaster.attractions[attraction["id"]] = attraction
    for event in artist.events:
        store.ticketmaster.put_event(event)
    if artist.setlist_artist is not None:
        store.setlistfm.artists[artist.setlist_artist["mbid"]] = artist.setlist_artist
    for setlist in artist.setlists:
        store.setlistfm.put_setlist(setlist)
    return _remember(store, artist, origin)


def _remember(store: Store, artist: GeneratedArtist, origin: str) -> JSON:
    key, n = artist.slug, 1
    while key in store.truths:
        n += 1
        key = f"{artist.slug}-{n}"
    truth = artist.truth
    truth["slug"] = key
    summary = {k: truth[k] for k in ("name", "slug")}
    for k in ("spotify_id", "ticketmaster_id", "musicbrainz_id"):
        summary[k] = truth[k]
    summary["origin"] = origin
    store.artists.append(summary)
    for value in (
        key,
        truth["spotify_id"],
        truth["ticketmaster_id"],
        truth["musicbrainz_id"],
    ):
        if value:
            store.truths[value] = truth
    return summary


# Spotify


def _spotify(
    out: GeneratedArtist,
    disco: Discography,
    artist_ids: ArtistIds,
    rng: random.Random,
    today: dt.date,
) -> None:
    spec = out.spec
    popularity = spec.popularity if spec.popularity is not None else rng.randint(35, 85)
    out.spotify_artist = _artist_object(
        rng, artist_ids.spotify, spec.name, popularity, [spec.genre.lower()]
    )
    me = _simple_artist(artist_ids.spotify, spec.name)
    others: dict[str, JSON] = {}
    for release in disco.releases:
        release.id = ids.spotify_id(rng)
        album, tracks = _album(rng, release, me, others, today, out.isrcs)
        out.albums.append((album, tracks))
    out.listing = _listing(out.albums, disco.releases)
    out.other_spotify_artists = [
        _artist_object(random.Random(f"other|{a['name']}"), a["id"], a["name"], 20, [])
        for a in others.values()
    ]


def _artist_object(
    rng: random.Random, artist_id: str, name: str, popularity: int, genres: list[str]
) -> JSON:
    image = f"{rng.getrandbits(96):024x}"
    return {
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
        "followers": {"href": None, "total": popularity**3 + rng.randint(0, 999)},
        "genres": genres,
        "href": f"{SPOTIFY_API}/artists/{artist_id}",
        "id": artist_id,
        "images": [
            {
                "url": f"https://i.scdn.co/image/{prefix}{image}",
                "height": size,
                "width": size,
            }
            for prefix, size in (
                ("ab6761610000e5eb", 640),
                ("ab67616100005174", 320),
                ("ab6761610000f178", 160),
            )
        ],
        "name": name,
        "popularity": popularity,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
    }


def _simple_artist(artist_id: str, name: str) -> JSON:
    return {
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
        "href": f"{SPOTIFY_API}/artists/{artist_id}",
        "id": artist_id,
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
    }


@functools.cache
def other_artist_id(name: str) -> str:
    """Guests and hosts keep one id across every artist that names them."""
    return ids.spotify_id(random.Random(f"other|{name}"))


def _other(others: dict[str, JSON], name: str) -> JSON:
    if name not in others:
        others[name] = _simple_artist(other_artist_id(name), name)
    return others[name]


def _album(
    rng: random.Random,
    release: Release,
    me: JSON,
    others: dict[str, JSON],
    today: dt.date,
    isrcs: dict[str, str],
) -> tuple[JSON, list[JSON]]:
    album_id = release.id
    owner = _other(others, release.other_artist) if release.other_artist else me
    if release.date.year < today.year - 25 and rng.random() < 0.3:
        released, precision = str(release.date.year), "year"
    else:
        released, precision = release.date.isoformat(), "day"
    image = f"{rng.getrandbits(96):024x}"
    markets = list(MARKETS if release.kind != "duplicate" else ("GB", "IE", "NZ"))
    album: JSON = {
        "album_type": release.album_type,
        "total_tracks": len(release.tracks),
        "available_markets": markets,
        "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
        "href": f"{SPOTIFY_API}/albums/{album_id}",
        "id": album_id,
        "images": [
            {
                "url": f"https://i.scdn.co/image/{prefix}{image}",
                "height": size,
                "width": size,
            }
            for prefix, size in (
                ("ab67616d0000b273", 640),
                ("ab67616d00001e02", 300),
                ("ab67616d00004851", 64),
            )
        ],
        "name": release.name,
        "release_date": released,
        "release_date_precision": precision,
        "type": "album",
        "uri": f"spotify:album:{album_id}",
        "artists": [owner],
        "tracks": None,
        "copyrights": [
            {"text": f"© {release.date.year} {rng.choice(_LABELS)}", "type": "C"},
            {"text": f"℗ {release.date.year} {rng.choice(_LABELS)}", "type": "P"},
        ],
        "external_ids": {"upc": f"{rng.randrange(10**11, 10**12):012d}"},
        "genres": [],
        "label": rng.choice(_LABELS),
        "popularity": rng.randint(10, 70),
    }
    tracks = _tracks(rng, release, me, others, isrcs)
    return album, tracks


def _tracks(
    rng: random.Random,
    release: Release,
    me: JSON,
    others: dict[str, JSON],
    isrcs: dict[str, str],
) -> list[JSON]:
    out = []
    numbers: Counter[int] = Counter()
    for track in release.tracks:
        track.id = ids.spotify_id(rng)
        track.duration_ms = rng.randint(95_000, 390_000)
        numbers[track.disc] += 1
        isrcs[track.id] = track.isrc
        out.append(
            {
                "artists": _track_artists(track, me, others),
                "disc_number": track.disc,
                "duration_ms": track.duration_ms,
                "explicit": rng.random() < 0.1,
                "external_urls": {
                    "spotify": f"https://open.spotify.com/track/{track.id}"
                },
                "href": f"{SPOTIFY_API}/tracks/{track.id}",
                "id": track.id,
                "name": track.name,
                "preview_url": None,
                "track_number": numbers[track.disc],
                "type": "track",
                "uri": f"spotify:track:{track.id}",
                "is_local": False,
            }
        )
    return out


def _track_artists(track: Track, me: JSON, others: dict[str, JSON]) -> list[JSON]:
    if track.by_other is not None:
        host = _other(others, track.by_other)
        return [host, me] if track.version == "feature" else [host]
    return [me, *(_other(others, g) for g in track.guests)]


def _listing(
    albums: list[tuple[JSON, list[JSON]]], releases: list[Release]
) -> list[JSON]:
    """The artist-albums listing: by group, newest first within a group."""
    rows = []
    for (album, _), release in zip(albums, releases, strict=True):
        simple = {k: v for k, v in album.items() if k not in _FULL_ONLY}
        simple["album_group"] = release.group
        rows.append((_GROUP_ORDER.index(release.group), release.date, simple))
    rows.sort(key=lambda row: (row[0], -row[1].toordinal(), row[2]["id"]))
    return [row[2] for row in rows]


_FULL_ONLY = frozenset(
    {"tracks", "copyrights", "external_ids", "genres", "label", "popularity"}
)


# Ticketmaster


def _ticketmaster(
    out: GeneratedArtist,
    disco: Discography,
    artist_ids: ArtistIds,
    seed: int,
    today: dt.date,
) -> None:
    spec = out.spec
    rng = random.Random(f"{seed}|ticketmaster|{spec.name}")
    links: JSON = {"homepage": [{"url": f"https://www.{slug(spec.name)}.example"}]}
    if spec.mbid:
        links["musicbrainz"] = [{"id": artist_ids.mbid}]
    if spec.on_spotify and spec.spotify_link:
        links["spotify"] = [
            {"url": f"https://open.spotify.com/artist/{artist_ids.spotify}"}
        ]
    out.attraction = attraction_object(
        rng, artist_ids.ticketmaster, spec.name, artist_ids.legacy, links, spec.genre
    )
    out.support = [_support_act(rng, spec.genre) for _ in range(4)]
    pool = [v for v in venue_pool(seed) if v.ticketmaster is not None]
    venues = rng.sample(pool, k=min(len(pool), max(2, spec.events // 3 + 1)))
    studios = [r for r in disco.releases if r.kind == "studio"]
    tour = f"{studios[-1].name} Tour" if studios else f"{today.year} World Tour"
    planner = EventPlanner(rng, out.attraction, venues, out.support, today, tour)
    out.events = planner.events(spec.events)
    appearances = Counter(
        a["id"] for e in out.events for a in e["_embedded"]["attractions"]
    )
    for attraction in (out.attraction, *out.support):
        total = appearances[attraction["id"]]
        attraction["upcomingEvents"] = {
            "_total": total,
            "ticketmaster": total,
            "_filtered": 0,
        }


def attraction_object(
    rng: random.Random,
    attraction_id: str,
    name: str,
    legacy: int,
    links: JSON | None,
    genre: str,
) -> JSON:
    genre_id, sub_id, sub_name = _GENRES.get(genre, _GENRES["Rock"])
    image = f"{rng.getrandbits(64):016x}"
    attraction: JSON = {
        "name": name,
        "type": "attraction",
        "id": attraction_id,
        "test": False,
        "url": f"https://www.ticketmaster.com/{slug(name)}-tickets/artist/{legacy}",
        "locale": "en-us",
    }
    if links:
        attraction["externalLinks"] = links
    attraction["images"] = [
        {
            "ratio": ratio,
            "url": f"https://s1.ticketm.net/dam/a/{image[:3]}/{image}_{kind}.jpg",
            "width": width,
            "height": height,
            "fallback": False,
        }
        for ratio, kind, width, height in (
            ("16_9", "RETINA_PORTRAIT_16_9", 640, 360),
            ("3_2", "ARTIST_PAGE_3_2", 305, 203),
        )
    ]
    attraction["classifications"] = [
        {
            "primary": True,
            "segment": {"id": "KZFzniwnSyZfZ7v7nJ", "name": "Music"},
            "genre": {"id": genre_id, "name": genre},
            "subGenre": {"id": sub_id, "name": sub_name},
            "type": {"id": "KZAyXgnZfZ7v7nI", "name": "Undefined"},
            "subType": {"id": "KZFzBErXgnZfZ7v7lJ", "name": "Undefined"},
            "family": False,
        }
    ]
    attraction["upcomingEvents"] = {"_total": 0, "ticketmaster": 0, "_filtered": 0}
    attraction["_links"] = {
        "self": {"href": f"/discovery/v2/attractions/{attraction_id}?locale=en-us"}
    }
    return attraction


def _support_act(rng: random.Random, genre: str) -> JSON:
    name = f"{rng.choice(('The ', ''))}{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
    return attraction_object(
        rng, ids.attraction_id(rng), name, ids.legacy_artist_id(rng), None, genre
    )


# setlist.fm


def _setlistfm(
    out: GeneratedArtist,
    disco: Discography,
    artist_ids: ArtistIds,
    seed: int,
    today: dt.date,
) -> None:
    spec = out.spec
    rng = random.Random(f"{seed}|setlistfm|{spec.name}")
    name = spec.name
    sort_name = f"{name[4:]}, The" if name.startswith("The ") else name
    artist: JSON = {"mbid": artist_ids.mbid}
    if spec.on_ticketmaster:
        artist["tmid"] = artist_ids.legacy
    artist.update(
        name=name,
        sortName=sort_name,
        disambiguation=spec.disambiguation,
        url=f"https://www.setlist.fm/setlists/{slug(name)}-{ids.hex8(rng)}.html",
    )
    out.setlist_artist = artist
    pool = list(venue_pool(seed))
    played = [v for v in pool if v.ticketmaster is not None and _plays(out, v.name)]
    venues = played + rng.sample(pool, k=min(len(pool), len(played) + 6))
    songs = _studio_songs(disco)
    albums = [r for r in disco.releases if r.kind == "studio"]
    planner = SetlistPlanner(rng, artist, venues, songs, albums, today)
    out.setlists = planner.setlists(spec.setlists)


def _plays(artist: GeneratedArtist, venue_name: str) -> bool:
    return any(e["_embedded"]["venues"][0]["name"] == venue_name for e in artist.events)


def _studio_songs(disco: Discography) -> list[Composition]:
    return [c for c in disco.compositions if _is_studio_song(c)]


def _is_studio_song(song: Composition) -> bool:
    return any(
        t.version in STUDIO_VERSIONS
        and t.release is not None
        and t.release.group in SONG_GROUPS
        for t in song.tracks
    )


# ground truth


def _truth(out: GeneratedArtist, disco: Discography, artist_ids: ArtistIds) -> JSON:
    spec = out.spec
    song_releases = [r for r in disco.releases if r.group in SONG_GROUPS]
    venues = {e["_embedded"]["venues"][0]["id"] for e in out.events}
    undated = sum(1 for e in out.events if "localDate" not in e["dates"]["start"])
    return {
        "name": spec.name,
        "slug": out.slug,
        "spotify_id": artist_ids.spotify if out.spotify_artist else None,
        "ticketmaster_id": artist_ids.ticketmaster if out.attraction else None,
        "musicbrainz_id": artist_ids.mbid if spec.mbid else None,
        "releases": len(disco.releases),
        "albums_and_singles": len(song_releases),
        "albums_and_singles_distinct": sum(
            1 for r in song_releases if r.kind != "duplicate"
        ),
        "duplicate_releases": sum(1 for r in disco.releases if r.kind == "duplicate"),
        "tracks": sum(len(r.tracks) for r in disco.releases),
        "album_and_single_tracks": sum(len(r.tracks) for r in song_releases),
        "studio_songs": len(_studio_songs(disco)),
        "events": len(out.events),
        "undated_events": undated,
        "event_venues": len(venues),
        "setlists": len(out.setlists),
        "empty_setlists": sum(1 for s in out.setlists if not s["sets"]["set"]),
        "compositions": [_composition(c) for c in disco.compositions],
    }


def _composition(song: Composition) -> JSON:
    return {
        "title": song.title,
        "display_title": _display_title(song),
        "studio_song": _is_studio_song(song),
        "first_release": song.first_release.isoformat(),
        "tracks": [
            {
                "id": t.id,
                "name": t.name,
                "album_id": t.release.id if t.release else None,
                "album_group": t.release.group if t.release else None,
                "version": t.version,
                "isrc": t.isrc,
            }
            for t in song.tracks
        ],
    }


def _display_title(song: Composition) -> str:
    """The name of its earliest studio album track, else of any studio cut."""
    studio = [
        t
        for t in song.tracks
        if t.version in STUDIO_VERSIONS and t.release and t.release.group in SONG_GROUPS
    ]
    album_cuts = [t for t in studio if t.release and t.release.group == "album"]
    chosen = min(album_cuts or studio or song.tracks, key=_track_age, default=None)
    return chosen.name if chosen else song.title


def _track_age(track: Track) -> tuple[dt.date, str]:
    release = track.release
    return (release.date if release else dt.date.max, release.id if release else "")
