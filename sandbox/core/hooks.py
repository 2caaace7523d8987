"""Named events between resource modules, so one module reacts to another's change
(an account closed, a number released) without either importing the other."""

from __future__ import annotations

from collections.abc import Callable

_listeners: dict[str, list[Callable]] = {}


def on(event: str) -> Callable[[Callable], Callable]:
    def register(fn: Callable) -> Callable:
        listeners = _listeners.setdefault(event, [])
        if fn not in listeners:
            listeners.append(fn)
        return fn

    return register


def emit(event: str, **kwargs) -> None:
    from sandbox.core.routing import discover

    discover()
    for fn in list(_listeners.get(event, ())):
        fn(**kwargs)


_answerers: dict[str, list[Callable]] = {}


def answers(event: str) -> Callable[[Callable], Callable]:
    """Register `fn(**kwargs)` as an answer to `ask(event, ...)`: how a module adds a rule to
    another module's lifecycle (the A2P module fails unregistered 10DLC messages with 30034)."""

    def register(fn: Callable) -> Callable:
        answerers = _answerers.setdefault(event, [])
        if fn not in answerers:
            answerers.append(fn)
        return fn

    return register


def ask(event: str, **kwargs):
    """The first answer that isn't None from the functions registered for `event`."""
    from sandbox.core import lifecycle
    from sandbox.core.routing import discover

    discover()
    lifecycle.discover()
    for fn in list(_answerers.get(event, ())):
        answer = fn(**kwargs)
        if answer is not None:
            return answer
    return None
