"""Lifecycle ticks: resource modules register what to do when the sandbox clock moves."""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable

from sandbox.core.routing import resource_modules

Tick = Callable[[dt.datetime], int]

# Packages outside `sandbox.resources` whose lifecycle modules tick too (the local AWS).
EXTRA_MODULES = ("sandbox.aws.lifecycle",)

_ticks: list[tuple[int, str, Tick]] = []
_discovered = False
_lock = threading.Lock()


def on_tick(order: int = 100) -> Callable[[Tick], Tick]:
    """Register `fn(now) -> number of things it changed`; lower `order` runs first."""

    def register(fn: Tick) -> Tick:
        name = f"{fn.__module__}.{fn.__qualname__}"
        if all(existing != name for _, existing, _ in _ticks):
            _ticks.append((order, name, fn))
            _ticks.sort(key=lambda item: (item[0], item[1]))
        return fn

    return register


def discover() -> None:
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            for module in [*resource_modules("lifecycle"), *EXTRA_MODULES]:
                importlib.import_module(module)
            _discovered = True


def run_ticks(now: dt.datetime) -> int:
    discover()
    return sum(fn(now) for _, _, fn in list(_ticks))
