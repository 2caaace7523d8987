"""A per-process cache of configuration reads on the hot path (accounts, numbers, services).

Entries are valid for one (`epoch`, `config_version`) of the state row, which every request
reads anyway: any save or delete of a watched model bumps `config_version`, so every process
drops its entries on its next request. `epoch` changes when the row is created afresh (each
test), so entries never leak between databases.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from sandbox.core.models import SandboxState

MAX_ENTRIES = 20_000

_lock = threading.Lock()
_key: tuple[str, int] | None = None
_entries: dict[Any, Any] = {}


def get(state: SandboxState, key: Any, loader: Callable[[], Any]) -> Any:
    """The cached value for `key`, loading it with `loader()` on a miss."""
    global _key
    current = (state.epoch, state.config_version)
    with _lock:
        if current != _key:
            _entries.clear()
            _key = current
        if key in _entries:
            return _entries[key]
    value = loader()
    with _lock:
        if _key == current:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = value
    return value


def bump() -> None:
    """Invalidate every process's cache (call after changing watched data in bulk)."""
    SandboxState.objects.filter(pk=1).update(config_version=F("config_version") + 1)


def _on_change(sender, **kwargs) -> None:
    bump()


def watch(*models) -> None:
    """Bump the config version whenever an instance of these models is saved or deleted."""
    for model in models:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"sandbox-cache-{model.__name__}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"sandbox-cache-del-{model.__name__}"
        )
