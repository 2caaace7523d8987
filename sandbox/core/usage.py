"""The usage ledger: modules record billable events; Usage Records aggregate them.

Prices are the sandbox's flat list prices, in USD.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sandbox.core.models import UsageEntry

PRICES = {
    "sms-outbound": Decimal("0.0079"),
    "sms-inbound": Decimal("0.0079"),
    "mms-outbound": Decimal("0.0200"),
    "mms-inbound": Decimal("0.0100"),
    "channels-whatsapp-outbound": Decimal("0.0050"),
    "channels-whatsapp-inbound": Decimal("0.0050"),
    "phonenumbers-local": Decimal("1.1500"),
    "phonenumbers-tollfree": Decimal("2.1500"),
}
"""Price per unit (per segment for messages, per number-month for numbers)."""


def entry(
    account_sid: str, category: str, at: dt.datetime, *, units: int = 1, resource_sid: str = ""
) -> UsageEntry:
    """An unsaved ledger entry for `units` of `category` at list price."""
    return UsageEntry(
        account_sid=account_sid,
        category=category,
        day=at.date(),
        count=1,
        usage=units,
        price=PRICES.get(category, Decimal(0)) * units,
        resource_sid=resource_sid,
    )


def record(entries: list[UsageEntry]) -> None:
    if entries:
        UsageEntry.objects.bulk_create(entries)
