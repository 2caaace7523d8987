"""The sandbox clock: lifecycles move only when it does.

Tests call `advance(seconds)` (or `manage.py sandbox_advance --seconds N`); in `make run` a
periodic Celery task calls `catch_up()` every few seconds to follow the wall clock. Each
move runs the due lifecycle transitions and delivers the due callbacks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sandbox.core import callbacks, lifecycle
from sandbox.core.state import load_state, lock_state

MAX_ROUNDS = 20


@dataclass(frozen=True)
class AdvanceResult:
    now: dt.datetime
    transitions: int
    callbacks: int


def now() -> dt.datetime:
    """The sandbox's current time."""
    return load_state().now


def _move_to(target: dt.datetime | None, seconds: float = 0.0) -> dt.datetime:
    with transaction.atomic():
        state = lock_state()
        new = state.now + dt.timedelta(seconds=seconds)
        if target is not None and target > new:
            new = target
        if new != state.now:
            state.now = new
            state.save(update_fields=["now"])
    return state.now


def run_due(at: dt.datetime) -> AdvanceResult:
    """Run transitions and callbacks due at `at` until nothing more is due."""
    transitions = delivered = 0
    for _ in range(MAX_ROUNDS):
        changed = lifecycle.run_ticks(at)
        sent = callbacks.deliver_due(at)
        transitions += changed
        delivered += sent
        if not changed and not sent:
            break
    return AdvanceResult(at, transitions, delivered)


def advance(seconds: float = 1.0) -> AdvanceResult:
    """Move the clock forward by `seconds` and run whatever became due."""
    if seconds < 0:
        raise ValueError("the sandbox clock only moves forward")
    return run_due(_move_to(None, seconds))


def catch_up() -> AdvanceResult:
    """Move the clock to the wall clock (if behind) and run whatever became due."""
    return run_due(_move_to(timezone.now().replace(microsecond=0)))
