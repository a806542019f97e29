"""Artists: a lookup by any one key, and the name-searchable list."""

from __future__ import annotations

from tortoise.expressions import Q

from encore.errors import BadInputError, NotFoundError
from jobs.names import normalize_name
from models import Artist
from resolvers.ids import parse_id
from resolvers.pagination import Listing, Ordering, Page, page_args

ARTIST_ORDER = Ordering((("a.name", "text"), ("a.id", "int")))


async def find_artist(
    *,
    id: str | None = None,
    slug: str | None = None,
    spotify_id: str | None = None,
    ticketmaster_id: str | None = None,
    mbid: str | None = None,
) -> Artist | None:
    """The artist one key names, or None; BAD_USER_INPUT unless exactly one is given."""
    keys = {
        "slug": slug,
        "spotify_id": spotify_id,
        "ticketmaster_id": ticketmaster_id,
        "mbid": mbid,
    }
    given = {k: v for k, v in keys.items() if v is not None}
    if len(given) + (id is not None) != 1:
        raise BadInputError(
            "give exactly one of id, slug, spotifyId, ticketmasterId or mbid"
        )
    if id is not None:
        return await Artist.get_or_none(id=parse_id(id, "artist"))
    return await Artist.get_or_none(Q(**given))


async def require_artist(artist_id: int) -> None:
    if not await Artist.exists(id=artist_id):
        raise NotFoundError(f"no artist with id {artist_id}")


def _like_pattern(search: str) -> str:
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def list_artists(
    search: str | None, first: int, after: str | None
) -> Page[Artist]:
    """Artists by name; ``search`` matches anywhere in the normalized name.

    The search text is normalized as the stored ``search_name`` was, so case,
    accents and punctuation never decide whether an artist is found.
    """
    args = page_args(first, after, ARTIST_ORDER)
    listing = Listing(Artist, "a", ARTIST_ORDER)
    if search is not None and search.strip():
        pattern = listing.param(_like_pattern(normalize_name(search)), "text")
        listing.filter(f"a.search_name LIKE {pattern}")
    return await listing.first_page(args)
