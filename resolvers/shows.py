"""Shows: by date across artists, and an artist's upcoming and past ones."""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
import zoneinfo
from collections.abc import Hashable
from enum import StrEnum
from typing import TYPE_CHECKING

from encore.errors import BadInputError
from models import Show
from resolvers.artists import require_artist
from resolvers.pagination import Listing, Ordering, Page, page_args

if TYPE_CHECKING:
    from resolvers.context import RequestContext

# Days are counted from here so that dates sort as integers in a cursor.
_EPOCH = "DATE '2000-01-01'"
_NO_DATE = 2**31 - 1

BY_DATE = Ordering(
    (
        ("CASE WHEN s.date IS NULL THEN 1 ELSE 0 END", "int"),
        (f"COALESCE(s.date - {_EPOCH}, 0)", "int"),
        ("s.id", "int"),
    )
)


class ShowWhen(StrEnum):
    ALL = "ALL"
    UPCOMING = "UPCOMING"
    PAST = "PAST"


async def find_show(show_id: int) -> Show | None:
    return await Show.get_or_none(id=show_id)


async def list_shows(
    artist_id: int | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    first: int,
    after: str | None,
) -> Page[Show]:
    """Shows between two dates (inclusive), by date; undated ones last."""
    args = page_args(first, after, BY_DATE)
    if date_from and date_to and date_from > date_to:
        raise BadInputError("from must not be after to")
    listing = Listing(Show, "s", BY_DATE)
    if artist_id is not None:
        await require_artist(artist_id)
        listing.filter(f"s.artist_id = {listing.param(artist_id, 'int')}")
    if date_from is not None:
        listing.filter(f"s.date >= {listing.param(date_from, 'date')}")
    if date_to is not None:
        listing.filter(f"s.date <= {listing.param(date_to, 'date')}")
    return await listing.first_page(args)


# An artist's shows read the venue's today from the first two parameters:
# the dates of zones where it is not the UTC date, and the UTC date.
_TODAY = "COALESCE(($1::jsonb ->> v.timezone)::date, $2::date)"
_UPCOMING = f"(s.date IS NULL OR s.date >= {_TODAY})"

UPCOMING_THEN_PAST = Ordering(
    (
        (f"CASE WHEN {_UPCOMING} THEN 0 ELSE 1 END", "int"),
        (
            f"CASE WHEN s.date IS NULL THEN {_NO_DATE} "
            f"WHEN {_UPCOMING} THEN s.date - {_EPOCH} "
            f"ELSE {_EPOCH} - s.date END",
            "int",
        ),
        ("s.id", "int"),
    )
)


def artist_show_listing(when: Hashable, artist_ids: list[int]) -> Listing[Show]:
    """Shows of the given artists: upcoming ones first, soonest first, then
    past ones, newest first.

    A show is upcoming from the venue's today where its time zone is known
    (the UTC date elsewhere), and so are shows without a date yet.
    """
    utc_today, other_todays = local_todays()
    listing = Listing(
        Show,
        "s",
        UPCOMING_THEN_PAST,
        joins="LEFT JOIN venue v ON v.id = s.venue_id",
        partition="s.artist_id",
        params=[json.dumps(other_todays), utc_today],
    )
    listing.filter(f"s.artist_id = ANY({listing.param(artist_ids, 'int[]')})")
    if when == ShowWhen.UPCOMING:
        listing.filter(_UPCOMING)
    elif when == ShowWhen.PAST:
        listing.filter(f"NOT {_UPCOMING}")
    return listing


async def artist_shows(
    context: RequestContext,
    artist_id: int,
    when: ShowWhen,
    first: int,
    after: str | None,
) -> Page[Show]:
    args = page_args(first, after, UPCOMING_THEN_PAST)
    loaders = context.loaders
    page: Page[Show] = await loaders.artist_shows.load((artist_id, when, args))
    page.total = lambda: loaders.artist_show_counts.load((artist_id, when))
    return page


def local_todays() -> tuple[dt.date, dict[str, str]]:
    """Today in UTC, and today in every time zone where it is another date.

    Postgres would raise on an unknown zone name and its list of zones is
    slow to read, so the dates come from here; a minute of staleness at
    midnight is of no consequence.
    """
    return _todays_at(int(time.time() // 60))


@functools.lru_cache(maxsize=2)
def _todays_at(minute: int) -> tuple[dt.date, dict[str, str]]:
    now = dt.datetime.fromtimestamp(minute * 60, dt.UTC)
    utc_today = now.date()
    others = {}
    for name in _zone_names():
        local = now.astimezone(zoneinfo.ZoneInfo(name)).date()
        if local != utc_today:
            others[name] = local.isoformat()
    return utc_today, others


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
