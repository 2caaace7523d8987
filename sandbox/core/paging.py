"""Twilio's two list shapes: v2010 (`page`, `next_page_uri`...) and v1/v2 (`meta`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from sandbox.core.errors import TwilioError
from sandbox.core.request import SandboxRequest

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
_PAGING = {"PageSize", "Page", "PageToken"}


def page_bounds(req: SandboxRequest) -> tuple[int, int]:
    size = req.q_int("PageSize", DEFAULT_PAGE_SIZE)
    page = req.q_int("Page", 0)
    if size < 1 or size > MAX_PAGE_SIZE:
        raise TwilioError(20001, 400, f"PageSize must be between 1 and {MAX_PAGE_SIZE}")
    if page < 0:
        raise TwilioError(20001, 400, "Page must be a non-negative integer")
    return page, size


def _slice(items: Any, page: int, size: int) -> tuple[list, bool]:
    """One page of a queryset or sequence, and whether another page follows."""
    start = page * size
    chunk = list(items[start : start + size + 1])
    return chunk[:size], len(chunk) > size


def _query(req: SandboxRequest, page: int, size: int) -> str:
    pairs = [(k, v) for k, values in req.query.items() if k not in _PAGING for v in values]
    pairs += [("PageSize", size), ("Page", page)]
    return urlencode(pairs)


def v2010_page(
    req: SandboxRequest,
    key: str,
    items: Sequence | Iterable,
    serialize: Callable[[Any], dict],
) -> dict:
    page, size = page_bounds(req)
    rows, has_more = _slice(items, page, size)
    path = req.path
    start = page * size
    return {
        key: [serialize(row) for row in rows],
        "uri": f"{path}?{_query(req, page, size)}",
        "first_page_uri": f"{path}?{_query(req, 0, size)}",
        "next_page_uri": f"{path}?{_query(req, page + 1, size)}" if has_more else None,
        "previous_page_uri": f"{path}?{_query(req, page - 1, size)}" if page > 0 else None,
        "page": page,
        "page_size": size,
        "start": start,
        "end": start + max(len(rows) - 1, 0),
    }


def meta_page(
    req: SandboxRequest,
    key: str,
    items: Sequence | Iterable,
    serialize: Callable[[Any], dict],
) -> dict:
    page, size = page_bounds(req)
    rows, has_more = _slice(items, page, size)
    url = req.url
    return {
        key: [serialize(row) for row in rows],
        "meta": {
            "page": page,
            "page_size": size,
            "first_page_url": f"{url}?{_query(req, 0, size)}",
            "previous_page_url": f"{url}?{_query(req, page - 1, size)}" if page > 0 else None,
            "url": f"{url}?{_query(req, page, size)}",
            "next_page_url": f"{url}?{_query(req, page + 1, size)}" if has_more else None,
            "key": key,
        },
    }
