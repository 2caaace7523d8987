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
    "verify-sms": Decimal("0.0079"),
    "verify-voice": Decimal("0.0140"),
    "verify-whatsapp-conversations-business-initiated": Decimal("0.0135"),
    "verify-email": Decimal("0"),
}
"""Price per unit (per segment for messages, per number-month for numbers, per send
attempt for Verify; a successful verification adds `verifications.delivery.SUCCESS_FEE`)."""


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
