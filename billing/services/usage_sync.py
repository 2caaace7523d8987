"""Twilio's Usage Records of each tenant's subaccount, stored as `UsageRecord` rows and
reconciled against the platform's own per-message prices.

How a sync goes: read every category's daily records of [start, end] from Twilio (outside
any transaction), keep the stored categories (`billing.categories.STORED`), sum the
platform's message prices of the same days and categories in one GROUP BY, then write only
the rows whose figures changed. Decisions:

- A re-run that reads the same figures writes nothing: `fetched_at` is when the row's
  figures were last written, not when they were last read, so an unchanged row is left
  alone and counted `unchanged`.
- A day's row is written once it has something to say: Twilio counted or charged anything,
  the platform priced messages of it, or a row already exists (then it is updated, to zero
  if Twilio says zero). Twilio's hundreds of empty categories are not stored.
- `closed` is True for days before today (UTC) when read; the closed-days job re-reads them.
- Overlapping runs: the unique (tenant, account, category, day) constraint decides; a run
  that loses the race re-reads the winner's row and updates it if its figures differ.
- Only ACTIVE subaccounts are read: Twilio answers a suspended account's requests with
  10001 ("Account is not active"), and the master account's records would add up every
  subaccount (tenants sending through the master fallback have no records of their own).
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing import periods
from billing.categories import STORED
from billing.models import UsageRecord
from billing.services.usage_drift import MESSAGE_CATEGORIES, drift_of, platform_prices
from isvplatform import gateway
from provisioning.accounts import subaccount_client
from provisioning.models import TwilioSubaccount
from tenants.models import Tenant

logger = logging.getLogger(__name__)

CENT_FRACTION = Decimal("0.00001")  # UsageRecord money's five decimals
USAGE_FRACTION = Decimal("0.0001")
# The figures a sync compares with what is stored (a row is written when one differs).
FIGURES = ("count", "usage", "price", "currency", "platform_price", "drift", "drift_flagged")

Key = tuple[str, str, dt.date]  # (account_sid, category, day)


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    drifts: int = 0  # rows of the range whose drift is flagged after the sync


def tenants_to_sync() -> list[int]:
    """Tenants with an active subaccount that Twilio has given a SID (a deliberate read
    across tenants: the beat jobs fan out one sync per tenant)."""
    return sorted(
        set(
            TwilioSubaccount.objects.filter(status=TwilioSubaccount.Status.ACTIVE)
            .exclude(sid__isnull=True)
            .exclude(sid="")
            .values_list("tenant_id", flat=True)
        )
    )


def _accounts(tenant: Tenant) -> list[TwilioSubaccount]:
    return list(
        TwilioSubaccount.objects.for_tenant(tenant)
        .filter(status=TwilioSubaccount.Status.ACTIVE)
        .exclude(sid__isnull=True)
        .exclude(sid="")
        .select_related("tenant")
    )


def _read_twilio(
    accounts: list[TwilioSubaccount], start: dt.date, end: dt.date
) -> dict[Key, gateway.UsageDay]:
    """Each account's stored categories per day, as Twilio counts them (network calls)."""
    found: dict[Key, gateway.UsageDay] = {}
    for sub in accounts:
        for day in gateway.list_usage_days(subaccount_client(sub), start_date=start, end_date=end):
            if day.category in STORED and start <= day.day <= end:
                found[(sub.sid, day.category, day.day)] = day
    return found


def _figures(key: Key, twilio: gateway.UsageDay | None, platform: Decimal | None) -> dict:
    _, category, _ = key
    price = twilio.price.quantize(CENT_FRACTION) if twilio else Decimal(0)
    if category in MESSAGE_CATEGORIES:
        platform = (platform or Decimal(0)).quantize(CENT_FRACTION)
    drift, flagged = drift_of(price, platform)
    return {
        "count": twilio.count if twilio else 0,
        "usage": twilio.usage.quantize(USAGE_FRACTION) if twilio else Decimal(0),
        "price": price,
        "currency": (twilio.price_unit if twilio else "") or "USD",
        "platform_price": platform,
        "drift": drift,
        "drift_flagged": flagged,
    }


def _is_empty(figures: dict) -> bool:
    return (
        not (figures["count"] or figures["usage"] or figures["price"])
        and not (figures["platform_price"])
    )


def _changes(row: UsageRecord, figures: dict, closed: bool) -> dict:
    wanted = {**figures, "closed": closed}
    return {name: value for name, value in wanted.items() if getattr(row, name) != value}


def usage_sync(tenant_id: int, *, start: dt.date, end: dt.date) -> SyncResult:
    """Read the tenant's usage of [start, end] from Twilio and store what changed."""
    tenant = Tenant.objects.get(pk=tenant_id)
    accounts = _accounts(tenant)
    result = SyncResult()
    if not accounts:
        return result
    twilio = _read_twilio(accounts, start, end)
    sids = [sub.sid for sub in accounts]
    platform = platform_prices(tenant, sids, start, end)
    existing = {
        (row.account_sid, row.category, row.day): row
        for row in UsageRecord.objects.for_tenant(tenant).filter(
            account_sid__in=sids, day__gte=start, day__lte=end
        )
    }
    today = periods.today()
    for key in sorted(set(twilio) | set(platform) | set(existing)):
        figures = _figures(key, twilio.get(key), platform.get(key))
        row = existing.get(key)
        if row is None and _is_empty(figures):
            continue
        outcome = _write(tenant, key, row, figures, closed=key[2] < today)
        setattr(result, outcome, getattr(result, outcome) + 1)
        if figures["drift_flagged"]:
            result.drifts += 1
            if outcome != "unchanged" and not (row and row.drift_flagged):
                _warn_drift(tenant, key, figures)
    return result


def _write(
    tenant: Tenant, key: Key, row: UsageRecord | None, figures: dict, *, closed: bool
) -> str:
    """Create or update one row; "created", "updated" or "unchanged"."""
    account_sid, category, day = key
    if row is None:
        try:
            with transaction.atomic():
                UsageRecord.objects.create(
                    tenant=tenant,
                    account_sid=account_sid,
                    category=category,
                    day=day,
                    closed=closed,
                    fetched_at=timezone.now(),
                    **figures,
                )
            return "created"
        except IntegrityError:
            # An overlapping run stored it first: compare with what it wrote.
            row = UsageRecord.objects.for_tenant(tenant).get(
                account_sid=account_sid, category=category, day=day
            )
    changes = _changes(row, figures, closed)
    if not changes:
        return "unchanged"
    UsageRecord.objects.for_tenant(tenant).filter(pk=row.pk).update(
        **changes, fetched_at=timezone.now()
    )
    return "updated"


def _warn_drift(tenant: Tenant, key: Key, figures: dict) -> None:
    account_sid, category, day = key
    logger.warning(
        "usage drift: tenant %s account %s %s on %s: Twilio %s, platform %s (drift %s; "
        "threshold %s%% and %s)",
        tenant.pk,
        account_sid,
        category,
        day,
        figures["price"],
        figures["platform_price"],
        figures["drift"],
        settings.BILLING_DRIFT_PERCENT,
        settings.BILLING_DRIFT_MIN_AMOUNT,
    )
