"""Verifications expire `VALIDITY` after they start (the sandbox clock)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from sandbox.core.lifecycle import on_tick
from sandbox.resources.verifications.models import Verification

LIVE = (Verification.Status.PENDING, Verification.Status.MAX_ATTEMPTS_REACHED)


@on_tick(order=60)
def expire_verifications(now: dt.datetime) -> int:
    return Verification.objects.filter(status__in=LIVE, expires_at__lte=now).update(
        status=Verification.Status.EXPIRED, date_updated=F("expires_at")
    )
