"""Claims: how a worker takes a row for a Twilio call without holding a row lock during it.

A row lock held across a network call blocks every other writer of the row (and, through
foreign keys, of its parents) for as long as Twilio takes, retries included. A claim is a
committed token plus a lease expiry instead: one conditional UPDATE takes it (a second worker's
UPDATE finds the row taken and moves on), the call runs outside any transaction, and the result
is written only while the token still matches. A worker that dies leaves a lease that simply
runs out; the next worker reclaims the row and must assume the dead one's call may have
reached Twilio.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone


class Claimable(models.Model):
    """The two columns of a claim: who holds the row, and until when."""

    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_claimed(self) -> bool:
        return self.claimed_until is not None and self.claimed_until > timezone.now()


@dataclass(frozen=True)
class Claim:
    pk: Any
    token: uuid.UUID
    until: datetime


def free(now: datetime | None = None) -> Q:
    """Rows nobody holds: never claimed, released, or with a lease that ran out."""
    now = now or timezone.now()
    return Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)


def claim(queryset: QuerySet, pk: Any, *, seconds: float, **changes: Any) -> Claim | None:
    """Take the row `pk` of `queryset` (whose filters say when it may be taken) for `seconds`,
    writing `changes` in the same statement; None when it is taken or does not qualify.

    Runs in its own short transaction (autocommit, or the caller's), never across a call."""
    now = timezone.now()
    token = uuid.uuid4()
    until = now + timedelta(seconds=seconds)
    taken = (
        queryset.filter(free(now), pk=pk).update(claim_token=token, claimed_until=until, **changes)
        == 1
    )
    return Claim(pk=pk, token=token, until=until) if taken else None


def holds(queryset: QuerySet, held: Claim) -> QuerySet:
    """The claimed row, only while this claim still holds it (use `.update()` or
    `.select_for_update()` on it to write the result)."""
    return queryset.filter(pk=held.pk, claim_token=held.token)


def release(queryset: QuerySet, held: Claim, **changes: Any) -> bool:
    """Give the row back, writing `changes`; False when the claim was lost meanwhile."""
    return holds(queryset, held).update(claim_token=None, claimed_until=None, **changes) == 1
