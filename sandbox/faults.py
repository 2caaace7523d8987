"""Fault injection for tests and chaos runs, stored in the sandbox state row.

`configure(rate_429=0.1, latency_ms=50)` or `with injected(drop_callbacks=1.0): ...`.
Shares are probabilities in [0, 1]; 0 never and 1 always, whatever the seed, so tests
that use 0 or 1 are deterministic. In between, decisions come from a generator seeded
with `seed` and the configuration's version, so a fixed seed replays the same run.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields

from django.db import transaction

from sandbox.core.models import SandboxState
from sandbox.core.state import load_state, lock_state


@dataclass(frozen=True)
class FaultConfig:
    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_500_after_write: float = 0.0
    latency_ms: int = 0
    path_pattern: str = ""
    drop_callbacks: float = 0.0
    duplicate_callbacks: float = 0.0
    reorder_callbacks: float = 0.0
    delivery_failure_rate: float = 0.0
    seed: int = 0

    @classmethod
    def from_state(cls, state: SandboxState) -> FaultConfig:
        return cls(
            rate_429=state.rate_429,
            rate_500=state.rate_500,
            rate_500_after_write=state.rate_500_after_write,
            latency_ms=state.latency_ms,
            path_pattern=state.fault_path_pattern,
            drop_callbacks=state.drop_callbacks,
            duplicate_callbacks=state.duplicate_callbacks,
            reorder_callbacks=state.reorder_callbacks,
            delivery_failure_rate=state.delivery_failure_rate,
            seed=state.seed,
        )


FAULT_NAMES = tuple(f.name for f in fields(FaultConfig))
_SHARES = {
    "rate_429",
    "rate_500",
    "rate_500_after_write",
    "drop_callbacks",
    "duplicate_callbacks",
    "reorder_callbacks",
    "delivery_failure_rate",
}
_COLUMN = {"path_pattern": "fault_path_pattern"}


def current() -> FaultConfig:
    return FaultConfig.from_state(load_state())


def _validate(changes: dict) -> dict:
    clean = {}
    for name, value in changes.items():
        if name not in FAULT_NAMES:
            raise ValueError(f"unknown fault setting: {name}")
        if name in _SHARES:
            value = float(value)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        elif name in ("latency_ms", "seed"):
            value = int(value)
            if name == "latency_ms" and not 0 <= value <= 60_000:
                raise ValueError("latency_ms must be between 0 and 60000")
        else:
            value = str(value or "")
            re.compile(value)
        clean[name] = value
    return clean


def configure(**changes) -> FaultConfig:
    """Change some fault settings; the others keep their values."""
    clean = _validate(changes)
    with transaction.atomic():
        state = lock_state()
        for name, value in clean.items():
            setattr(state, _COLUMN.get(name, name), value)
        state.version += 1
        state.save()
    return FaultConfig.from_state(state)


def reset() -> FaultConfig:
    return configure(**asdict(FaultConfig()))


@contextmanager
def injected(**changes) -> Iterator[FaultConfig]:
    """Apply faults for the duration of a block, then restore the previous settings."""
    previous = current()
    try:
        yield configure(**changes)
    finally:
        configure(**asdict(previous))


_rng_lock = threading.Lock()
_rng_key: tuple[int, int] | None = None
_rng = random.Random(0)


def chance(state: SandboxState, share: float) -> bool:
    """True with probability `share`, from the generator of the current configuration."""
    global _rng_key, _rng
    if share <= 0.0:
        return False
    if share >= 1.0:
        return True
    with _rng_lock:
        key = (state.seed, state.version)
        if key != _rng_key:
            _rng_key, _rng = key, random.Random(f"{state.seed}:{state.version}")
        return _rng.random() < share


def applies_to(state: SandboxState, path: str) -> bool:
    pattern = state.fault_path_pattern
    return not pattern or re.search(pattern, path) is not None
