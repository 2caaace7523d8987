"""Aggregating the usage ledger into Twilio's Usage Records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from sandbox.core.models import Account, UsageEntry


@dataclass(frozen=True)
class Category:
    name: str
    description: str
    count_unit: str
    usage_unit: str
    parts: tuple[str, ...] = ()


CATEGORIES = {
    c.name: c
    for c in (
        Category("sms", "SMS", "messages", "segments", ("sms-outbound", "sms-inbound")),
        Category("sms-outbound", "Outbound SMS", "messages", "segments"),
        Category("sms-inbound", "Inbound SMS", "messages", "segments"),
        Category("mms", "MMS", "messages", "messages", ("mms-outbound", "mms-inbound")),
        Category("mms-outbound", "Outbound MMS", "messages", "messages"),
        Category("mms-inbound", "Inbound MMS", "messages", "messages"),
        Category(
            "channels-whatsapp",
            "WhatsApp",
            "messages",
            "messages",
            ("channels-whatsapp-outbound", "channels-whatsapp-inbound"),
        ),
        Category("channels-whatsapp-outbound", "Outbound WhatsApp", "messages", "messages"),
        Category("channels-whatsapp-inbound", "Inbound WhatsApp", "messages", "messages"),
        Category(
            "phonenumbers",
            "Phone Numbers",
            "phone-numbers",
            "phone-numbers",
            ("phonenumbers-local", "phonenumbers-tollfree"),
        ),
        Category("phonenumbers-local", "Local Phone Numbers", "phone-numbers", "phone-numbers"),
        Category(
            "phonenumbers-tollfree", "Toll-free Phone Numbers", "phone-numbers", "phone-numbers"
        ),
        Category(
            "verify-voice-sms",
            "Verify SMS and voice",
            "verifications",
            "verifications",
            ("verify-sms", "verify-voice"),
        ),
        Category("verify-sms", "Verify SMS", "verifications", "verifications"),
        Category("verify-voice", "Verify voice", "verifications", "verifications"),
        Category(
            "verify-whatsapp-conversations-business-initiated",
            "Verify WhatsApp",
            "verifications",
            "verifications",
        ),
        Category("verify-email", "Verify email", "verifications", "verifications"),
        Category("totalprice", "Total Price", "", "usd"),
    )
}


def leaves(name: str) -> tuple[str, ...]:
    category = CATEGORIES[name]
    if name == "totalprice":
        return tuple(c.name for c in CATEGORIES.values() if not c.parts and c.name != name)
    return category.parts or (name,)


@dataclass
class Totals:
    count: int = 0
    usage: int = 0
    price: Decimal = Decimal(0)


def account_sids(account: Account, include_subaccounts: bool) -> list[str]:
    sids = [account.sid]
    if include_subaccounts and not account.owner_id:
        sids += list(account.subaccounts.values_list("sid", flat=True))
    return sids


def daily_totals(
    sids: list[str], start: dt.date, end: dt.date
) -> dict[tuple[str, dt.date], Totals]:
    """Ledger sums per (leaf category, day) within [start, end]."""
    rows = (
        UsageEntry.objects.filter(account_sid__in=sids, day__gte=start, day__lte=end)
        .values("category", "day")
        .annotate(count=Sum("count"), usage=Sum("usage"), price=Sum("price"))
    )
    return {
        (r["category"], r["day"]): Totals(r["count"], r["usage"], r["price"] or Decimal(0))
        for r in rows
    }


def total_for(
    category: str, daily: dict[tuple[str, dt.date], Totals], start: dt.date, end: dt.date
) -> Totals:
    parts = set(leaves(category))
    total = Totals()
    for (leaf, day), sums in daily.items():
        if leaf in parts and start <= day <= end:
            total.count += sums.count
            total.usage += sums.usage
            total.price += sums.price
    if category == "totalprice":
        total.count, total.usage = 0, 0
    return total


def current_value(
    sids: list[str], category: str, trigger_by: str, start: dt.date, end: dt.date
) -> Decimal:
    """The value a usage trigger compares: count, usage or price of a category in a period."""
    rows = UsageEntry.objects.filter(
        account_sid__in=sids, category__in=leaves(category), day__gte=start, day__lte=end
    ).aggregate(count=Sum("count"), usage=Sum("usage"), price=Sum("price"))
    if category == "totalprice":
        return rows["price"] or Decimal(0)
    return Decimal(rows[trigger_by] or 0)
