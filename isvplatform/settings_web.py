"""The web processes' capacity and how it is shared among tenants (README, Scaling): how
many requests one process works on at once, and how many of one tenant's API requests may
be in flight at once across every web process (`isvplatform/api/concurrency.py`)."""

from typing import Any

import environ


def web_active_requests(env: environ.Env) -> int:
    """Requests one web process works on at once before they start their answer; more wait
    (isvplatform/asgi_limits.py). Each holds a database connection meanwhile."""
    return env.int("WEB_ACTIVE_REQUESTS", default=24)


def web_capacity_settings(env: environ.Env) -> dict[str, Any]:
    workers = env.int("WEB_WORKERS", default=4)  # deploy/: about two per CPU
    return {
        "WEB_ACTIVE_REQUESTS": web_active_requests(env),
        # One tenant's API-key requests in flight at once, all web processes together; the
        # next is answered 429 before any of its work. The default, a quarter of a host's
        # web processes, is half its CPUs: a tenant can keep half of one host busy, so the
        # others' latency at most about doubles. Raise it with the hosts (it counts all of
        # them). 0 turns the limit off (so does a missing Redis: the count lives there).
        "API_TENANT_CONCURRENCY": env.int("API_TENANT_CONCURRENCY", default=max(1, workers // 4)),
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
        # A refused request is answered this long after it came: a client that retries at
        # once, ignoring Retry-After, sends one request per this long and connection.
        "API_TENANT_REFUSAL_DELAY_SECONDS": env.float(
            "API_TENANT_REFUSAL_DELAY_SECONDS", default=0.5
        ),
    }
