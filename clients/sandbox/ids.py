"""Identifiers shaped like each service's own, drawn from a seeded stream."""

from __future__ import annotations

import random
import string

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
TM_EVENT_ALPHABET = BASE62 + "_-"


def spotify_id(rng: random.Random) -> str:
    """22 base62 characters, like every Spotify catalog id."""
    return "".join(rng.choices(BASE62, k=22))


def attraction_id(rng: random.Random) -> str:
    """Ticketmaster attraction ids: "K8vZ917" and four more characters."""
    return "K8vZ917" + "".join(rng.choices(BASE62, k=4))


def venue_id(rng: random.Random) -> str:
    return "KovZ" + "".join(rng.choices(BASE62, k=8))


def event_id(rng: random.Random) -> str:
    return "G5" + "".join(rng.choices(TM_EVENT_ALPHABET, k=11))


def legacy_artist_id(rng: random.Random) -> int:
    """Ticketmaster's numeric artist id, which setlist.fm calls ``tmid``."""
    return rng.randrange(700_000, 3_000_000)


def musicbrainz_id(rng: random.Random) -> str:
    """A version-4 UUID in its canonical text form."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF << 76)) | (0x4 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def hex8(rng: random.Random) -> str:
    """setlist.fm's ids for setlists, versions and venues."""
    return f"{rng.getrandbits(32):08x}"


def isrc(rng: random.Random, country: str, year: int) -> str:
    registrant = "".join(rng.choices(string.ascii_uppercase + string.digits, k=3))
    return f"{country}{registrant}{year % 100:02d}{rng.randrange(100_000):05d}"


def is_spotify_id(value: str) -> bool:
    return len(value) == 22 and all(c in BASE62 for c in value)
