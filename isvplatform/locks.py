"""A lock around one beat job's run, so overlapping runs of the same job skip instead of
piling up (the cache is shared by every process: Redis, or the file cache)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


@contextmanager
def single_run(key: str, seconds: int) -> Iterator[bool]:
    """Yields whether this run holds `key` (for at most `seconds`); released on exit."""
    acquired = cache.add(key, "1", timeout=seconds)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(key)
