"""The Django cache on Redis, failing open: with Redis down, a read misses, a write is
dropped, an `add` takes nothing, and the caller goes on.

Everything kept in the cache is a copy or a hint (a sender resolved a moment ago, a quota
row, the spending-limit verdict, the throttle's request history, a beat job's run lock), so
a miss costs a query or lets a request through, never a wrong answer. A forget (`delete`)
lost meanwhile leaves a copy until its timeout: seconds, for everything a send reads.

After a failure the cache stops trying for `FAILOPEN_RETRY_SECONDS` (one request, not every
one, waits on the socket), then tries again. Short socket timeouts come from the settings
(`isvplatform.settings_failopen`).
"""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from isvplatform.failopen import REDIS_DOWN_ERRORS, record_failopen


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis`, with its table of some 80 reply parsers,
    for every cache call (a few per request); one per connection pool serves them all, as
    redis-py's clients are safe to share between threads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._retry_seconds = float(params.get("FAILOPEN_RETRY_SECONDS", 1.0))
        self._down_until = 0.0

    def _guard(self, fallback: Any, call: Callable[..., Any], *args: Any) -> Any:
        """`call(*args)`, or `fallback` (counted, logged) when Redis is down."""
        doing = f"cache {call.__name__}"
        if time.monotonic() < self._down_until:
            record_failopen("cache", ConnectionError("Redis failed a moment ago"), doing)
            return fallback
        try:
            return call(*args)
        except REDIS_DOWN_ERRORS as err:
            self._down_until = time.monotonic() + self._retry_seconds
            record_failopen("cache", err, doing)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Nothing is taken: a beat job's lock is not held, so that run skips.
        return self._guard(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guard(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guard({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # As if the counter started now: a per-hour count restarts rather than failing.
        return self._guard(delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard(None, super().delete_many, keys, version)
