"""Settings of the Redis cache that fails open (`isvplatform.cache`): short socket timeouts,
so a Redis that is unreachable (not just refusing) holds a request for half a second, not
the operating system's minutes."""

from typing import Any

import environ


def redis_cache(env: environ.Env, url: str) -> dict[str, Any]:
    """The default cache's settings on the Redis at `url`."""
    timeout = env.float("CACHE_REDIS_TIMEOUT_SECONDS", default=0.5)
    return {
        "BACKEND": "isvplatform.cache.FailOpenRedisCache",
        "LOCATION": url,
        # After a failure, this long without trying Redis again (the cache just misses).
        "FAILOPEN_RETRY_SECONDS": env.float("CACHE_FAILOPEN_RETRY_SECONDS", default=1.0),
        "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
    }
