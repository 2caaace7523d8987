"""The web processes' capacity and how it is shared among tenants (README, Scaling): how
many requests one process works on at once, and how many of one tenant's API requests may
be in flight at once across every web process (`isvplatform/api/concurrency.py`)."""

from typing import Any

import environ


def web_capacity_settings(env: environ.Env) -> dict[str, Any]:
    workers = env.int("WEB_WORKERS", default=4)
    return {
        # Requests one web process works on at once before they start their answer; more
        # wait (isvplatform/asgi_limits.py). Each holds a database connection meanwhile.
        "WEB_ACTIVE_REQUESTS": env.int("WEB_ACTIVE_REQUESTS", default=24),
        # One tenant's API-key requests in flight at once, all web processes together; the
        # next is answered 429 before any of its work. The default is the web processes of
        # one host: a tenant can keep that many busy but not queue the others behind it.
        # 0 turns the limit off (so does a missing Redis: the count lives there).
        "API_TENANT_CONCURRENCY": env.int("API_TENANT_CONCURRENCY", default=workers),
        "API_TENANT_CONCURRENCY_REDIS_URL": env(
            "API_TENANT_CONCURRENCY_REDIS_URL", default=env("REDIS_URL", default="")
        ),
        # A place whose request never gave it back (its process killed) frees itself after
        # this long: above the longest API request.
        "API_TENANT_CONCURRENCY_TTL_SECONDS": env.int(
            "API_TENANT_CONCURRENCY_TTL_SECONDS", default=60
        ),
        "API_TENANT_CONCURRENCY_RETRY_AFTER": env.int(
            "API_TENANT_CONCURRENCY_RETRY_AFTER", default=1
        ),
    }
