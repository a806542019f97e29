"""Tolerant readers for upstream JSON: typed fields, skipped items, bad pages."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from clients.types import Page

log = logging.getLogger(__name__)

T = TypeVar("T")
Json = Mapping[str, object]


class MalformedError(ValueError):
    """A body, page or item does not have the shape the service documents."""


def loads_or_none(body: bytes) -> object:
    """JSON from an error body, or None: error bodies are often not JSON."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def as_mapping(value: object, what: str) -> Json:
    if not isinstance(value, Mapping):
        raise MalformedError(f"{what} is {_kind(value)}, not an object")
    return value


def opt_mapping(data: Json, key: str) -> Json | None:
    """The object under ``key``; absent, null or not an object reads as None."""
    value = data.get(key)
    return value if isinstance(value, Mapping) else None


def as_list(value: object) -> list[object]:
    """An optional JSON list; a lone object stands for a list of one.

    Some services send a single object where a list usually is (setlist.fm
    sets and songs), so readers accept both; anything else reads as none.
    """
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return [value]
    return []


def req_str(data: Json, key: str) -> str:
    """A required, non-empty string (ids, names that identify a record)."""
    value = data.get(key)
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise MalformedError(f"{key!r} is missing or not a string")


def opt_str(data: Json, key: str) -> str | None:
    value = data.get(key)
    if isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def text(data: Json, key: str) -> str:
    """A string that may legitimately be empty; absent or null reads as ""."""
    value = data.get(key)
    return value if isinstance(value, str) else ""


def opt_int(data: Json, key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def opt_float(data: Json, key: str) -> float | None:
    """A number that some services send as a string (coordinates)."""
    value = data.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def opt_bool(data: Json, key: str) -> bool:
    value = data.get(key)
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def str_tuple(values: object, key: str | None = None) -> tuple[str, ...]:
    """Strings from a list of strings, or of objects holding ``key``."""
    found: list[str] = []
    for value in values if isinstance(values, list) else ():
        if key is not None and isinstance(value, Mapping):
            value = value.get(key)
        if isinstance(value, str) and value:
            found.append(value)
    return tuple(found)


def widest_image_url(images: object) -> str | None:
    """The URL of the widest image in a list of ``{url, width, height}``."""
    best: tuple[int, str] | None = None
    for image in images if isinstance(images, list) else ():
        if not isinstance(image, Mapping):
            continue
        url = opt_str(image, "url")
        if url is None:
            continue
        width = opt_int(image, "width") or 0
        if best is None or width > best[0]:
            best = (width, url)
    return best[1] if best else None


def parse_items(
    service: str,
    raw_items: Sequence[object],
    parse_one: Callable[[object], T],
    what: str,
    *,
    total: int | None = None,
) -> Page[T]:
    """Parse every item; a malformed one is skipped, counted and logged."""
    items: list[T] = []
    warnings: list[str] = []
    for index, raw in enumerate(raw_items):
        try:
            items.append(parse_one(raw))
        except (MalformedError, ValueError, TypeError, KeyError) as exc:
            warning = f"skipped {what} #{index}: {exc}"
            warnings.append(warning)
            log.warning(
                "skipped a malformed item",
                extra={"service": service, "item": what, "index": index},
            )
    return Page(
        items=tuple(items),
        skipped=len(warnings),
        warnings=tuple(warnings),
        total=total,
    )


def merge_pages(pages: Sequence[Page[T]]) -> Page[T]:
    """One page holding the items and the skip counts of several."""
    return Page(
        items=tuple(item for page in pages for item in page.items),
        skipped=sum(page.skipped for page in pages),
        warnings=tuple(w for page in pages for w in page.warnings),
        total=pages[-1].total if pages else None,
    )


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"
