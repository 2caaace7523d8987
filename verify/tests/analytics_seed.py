"""A seeded set of attempts whose analytics are known by hand (see `test_analytics.py`)."""

import datetime as dt
import itertools
from decimal import Decimal

from verify.models import VerificationAttempt
from verify.tests.factories import VerificationAttemptFactory

Status = VerificationAttempt.Status
DAY = dt.date(2026, 11, 10)
_minutes = itertools.count()


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def attempt(tenant, *, day=DAY, ttv=None, status=None, price="0.05", **fields):
    """One attempt sent at noon of `day`; `ttv` seconds makes it approved that much later."""
    sent = at(day) + dt.timedelta(minutes=next(_minutes) % 60)
    if ttv is not None:
        fields.update(status=Status.APPROVED, approved_at=sent + dt.timedelta(seconds=ttv))
    elif status is not None:
        fields["status"] = status
    return VerificationAttemptFactory(
        tenant=tenant,
        created_at=sent,
        price=Decimal(price) if price is not None else None,
        price_unit="USD" if price is not None else "",
        **fields,
    )


def seed_known_set(tenant) -> None:
    """14 attempts over two days.

    SMS to US (10, at 0.05): approved after 10, 20, 30, 40 s on DAY and 50, 60, 70, 80 s the
    next day; one expired; one refused by Fraud Guard (60410).
    WhatsApp to GB (4, at 0.03): approved after 5 s and after 200 s; one with too many wrong
    codes; one still pending.
    """
    next_day = DAY + dt.timedelta(days=1)
    for seconds in (10, 20, 30, 40):
        attempt(tenant, ttv=seconds)
    for seconds in (50, 60, 70, 80):
        attempt(tenant, day=next_day, ttv=seconds)
    attempt(tenant, status=Status.EXPIRED)
    attempt(tenant, day=next_day, status=Status.FAILED, error_code="60410")
    whatsapp = {"channel": "whatsapp", "country": "GB", "price": "0.03"}
    attempt(tenant, ttv=5, **whatsapp)
    attempt(tenant, day=next_day, ttv=200, **whatsapp)
    attempt(tenant, status=Status.MAX_ATTEMPTS, **whatsapp)
    attempt(tenant, day=next_day, **whatsapp)
