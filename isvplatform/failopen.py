"""Redis down for a moment (a restart, a failover) must not turn API calls into 500s: the
cache, the throttle, the sending quotas and the enqueue after a commit go on without it
("fail open"). Each time one does, it is counted here by component, and logged at most once
per `LOG_EVERY_SECONDS` per component (a dead Redis under load would otherwise write a line
per cache call).

Each is also counted in `/metrics` as `isv_failopen_total{component}`; `failopen_counts`
gives this process's own counts.
"""

import logging
import threading
import time
from collections import Counter

import redis

from isvplatform import metrics

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 10.0
# What a Redis that is down, restarting or unreachable raises (BusyLoadingError, a Redis still
# loading its data after a restart, is a ConnectionError).
REDIS_DOWN_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

_counts: Counter[str] = Counter()
_logged_at: dict[str, float] = {}
_skipped: Counter[str] = Counter()
_lock = threading.Lock()


def record_failopen(component: str, err: BaseException, doing: str) -> None:
    """Count one operation of `component` that went on without its store, and log it (the
    first of every `LOG_EVERY_SECONDS`, with how many went unlogged since)."""
    now = time.monotonic()
    metrics.count_failopen(component)
    with _lock:
        _counts[component] += 1
        last = _logged_at.get(component)
        if last is not None and now - last < LOG_EVERY_SECONDS:
            _skipped[component] += 1
            return
        _logged_at[component] = now
        unlogged, _skipped[component] = _skipped[component], 0
    since = f"; {unlogged} more since the last line" if unlogged else ""
    logger.warning(
        "%s unavailable, failing open: %s (%s: %s%s)",
        component,
        doing,
        type(err).__name__,
        err,
        since,
    )


def failopen_counts() -> dict[str, int]:
    """Operations that failed open in this process so far, by component."""
    with _lock:
        return dict(_counts)
