"""Request parsers of the REST API: DRF's JSON parser, bounded.

Python's JSON decoder recurses once per nesting level, so a body nested a few thousand
levels deep raises RecursionError (a 500) instead of the ValueError DRF turns into a 400;
and DRF reads a JSON body whole, without Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
"""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from isvplatform.api.exceptions import PayloadTooLarge

# No request body of this API nests deeper than a few levels; this leaves ample room.
MAX_JSON_DEPTH = 32


def nesting_exceeds(value, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class _LimitedStream:
    """Reads at most `limit` bytes of a body and refuses a larger one with a 413."""

    def __init__(self, stream, limit: int | None) -> None:
        self.stream = stream
        self.limit = limit

    def read(self, size: int = -1) -> bytes:
        if self.limit is None:
            return self.stream.read(size)
        data = self.stream.read(self.limit + 1)
        if len(data) > self.limit:
            raise PayloadTooLarge(f"The request body is larger than {self.limit:,} bytes.")
        return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limited = _LimitedStream(stream, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        try:
            data = super().parse(limited, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."
            ) from None
        if nesting_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return data
