"""Pacing of TrustHub, brand and campaign calls: about one request per second per account.

Twilio advises this rate for the A2P registration APIs. Each call reserves the next free
one-slot-per-interval for its account with an atomic `cache.add`, so every worker and
process sharing the cache (Redis in production) keeps to the rate together, and then
sleeps until its slot starts. `TWILIO_A2P_REQUESTS_PER_SECOND = 0` turns pacing off (tests).
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")
MAX_SLOTS_AHEAD = 600
_disabled: ContextVar[bool] = ContextVar("a2p_pacing_disabled", default=False)


def requests_per_second() -> float:
    return float(getattr(settings, "TWILIO_A2P_REQUESTS_PER_SECOND", 1.0) or 0.0)


def reserve_slot(account_sid: str, *, now: float | None = None) -> float:
    """Reserve the account's next free slot; returns seconds to wait until it starts."""
    rate = requests_per_second()
    if rate <= 0 or _disabled.get():
        return 0.0
    interval = 1.0 / rate
    now = time.time() if now is None else now
    first = int(now / interval)
    for slot in range(first, first + MAX_SLOTS_AHEAD):
        start = slot * interval
        if cache.add(f"a2p-pace:{account_sid}:{slot}", 1, timeout=int(start - now) + 60):
            return max(0.0, start - now)
    # Hundreds of calls queued for one account: wait a full window rather than stampede.
    return MAX_SLOTS_AHEAD * interval


def pace(account_sid: str) -> None:
    wait = reserve_slot(account_sid)
    if wait > 0:
        time.sleep(wait)


def paced(account_sid: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn` in the account's next pacing slot."""
    pace(account_sid)
    return fn(*args, **kwargs)


@contextmanager
def unpaced() -> Iterator[None]:
    """Skip pacing in this block: the demo drives the local sandbox, which has no limit."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)
