"""Loads the single sandbox state row (clock and faults), creating it on first use."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox.core.models import SandboxState


def _initial_now():
    return timezone.now().replace(microsecond=0)


def load_state() -> SandboxState:
    state = SandboxState.objects.filter(pk=1).first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            return SandboxState.objects.create(pk=1, now=_initial_now())
    except IntegrityError:
        return SandboxState.objects.get(pk=1)


def lock_state() -> SandboxState:
    """The state row locked for update; call inside a transaction."""
    load_state()
    return SandboxState.objects.select_for_update().get(pk=1)
