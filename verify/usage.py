"""Twilio's own figure for a tenant's Verify cost, from its subaccount's usage records.

The analytics sum each attempt's list price; Twilio bills from its usage records. The sync
reads the `verify-*` categories per day (outside any transaction), stores one row per day,
and the stats show both figures and their difference, so a drift is seen, not guessed.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from isvplatform import gateway
from provisioning.accounts import tenant_account
from tenants.models import Tenant
from verify import prices
from verify.models import VerifyService, VerifyUsageDay

# Closed days are re-read this far back (Twilio settles late usage within a day or two).
SYNC_DAYS = 3


def sync_verify_usage(tenant_id: int, *, days: int = SYNC_DAYS) -> int:
    """Fetch the last `days` days (today included) of the tenant's Verify usage; the rows
    written. Idempotent: a re-run overwrites the same days with what Twilio says now."""
    tenant = Tenant.objects.get(pk=tenant_id)
    today = timezone.now().date()
    start = today - dt.timedelta(days=days - 1)
    client = tenant_account(tenant).client()
    totals = {start + dt.timedelta(days=n): Decimal(0) for n in range(days)}
    currency = prices.CURRENCY
    for category in prices.USAGE_CATEGORIES:
        for record in gateway.list_daily_usage(
            client, category=category, start_date=start, end_date=today
        ):
            if record.day in totals:
                totals[record.day] += record.price
                currency = record.price_unit or currency
    now = timezone.now()
    for day, cost in totals.items():
        VerifyUsageDay.objects.update_or_create(
            tenant=tenant,
            day=day,
            defaults={"twilio_cost": cost, "currency": currency, "fetched_at": now},
        )
    return len(totals)


def tenants_to_sync() -> list[int]:
    return list(
        VerifyService.objects.filter(enabled=True)
        .exclude(twilio_sid="")
        .values_list("tenant_id", flat=True)
    )


def twilio_cost(tenant: Tenant, start: dt.date, end: dt.date) -> dict:
    """Twilio's figure for the period, and how many of its days have been read."""
    rows = VerifyUsageDay.objects.for_tenant(tenant).filter(day__gte=start, day__lte=end)
    total = rows.aggregate(cost=Sum("twilio_cost"))["cost"] or Decimal(0)
    return {"amount": f"{total:.5f}", "currency": prices.CURRENCY, "days_read": rows.count()}
