"""Spend anomalies: a tenant's day whose spend is far above its trailing daily average (the
specification's fraud detection), flagged once and alerted to staff.

How a day is judged, per tenant:
- the day's spend is Twilio's `totalprice` for it (summed over the tenant's accounts), or
  the sum of the leaf categories when no `totalprice` row was stored;
- the trailing average is the spend of the `BILLING_ANOMALY_TRAILING_DAYS` days before it,
  divided by that many days: a day without rows counts as zero spend;
- a tenant needs history to be judged: usage on at least `MIN_HISTORY_DAYS` of those days
  and an average of at least `MIN_AVERAGE`; otherwise a new tenant's first busy day would
  always be "infinitely" above its zero average;
- the day is flagged when its spend exceeds `BILLING_ANOMALY_MULTIPLE` x the average and is
  at least `BILLING_ANOMALY_MIN_SPEND` (small amounts are never worth an alert).
"""

import datetime as dt
import logging
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from billing import enqueue
from billing.categories import LEAVES, TOTAL
from billing.models import SpendAnomaly, UsageRecord
from billing.notify import send_billing_email, staff_emails
from isvplatform.money import format_money
from isvplatform.public import absolute_url
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

MIN_HISTORY_DAYS = 3
MIN_AVERAGE = Decimal("0.01")
MAX_MULTIPLE = Decimal("999999.99")  # SpendAnomaly.multiple's digits
ADMIN_PATH = "/admin/billing/overview/"


def daily_spend(start: dt.date, end: dt.date) -> dict[int, dict[dt.date, Decimal]]:
    """tenant id -> day -> spend over [start, end], for every tenant (one GROUP BY; a
    deliberate read across tenants: staff's fraud detection)."""
    rows = (
        UsageRecord.objects.filter(day__gte=start, day__lte=end)
        .values("tenant_id", "day")
        .annotate(
            total=Sum("price", filter=Q(category=TOTAL)),
            totals=Count("id", filter=Q(category=TOTAL)),
            leaves=Sum("price", filter=Q(category__in=LEAVES)),
        )
        .order_by()
    )
    spend: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for row in rows:
        figure = row["total"] if row["totals"] else row["leaves"]
        spend[row["tenant_id"]][row["day"]] = figure or Decimal(0)
    return spend


def _multiple(spend: Decimal, average: Decimal) -> Decimal:
    return min(MAX_MULTIPLE, (spend / average).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _judge(spend: Decimal, history: dict[dt.date, Decimal]) -> Decimal | None:
    """The trailing average when `spend` is an anomaly against `history`, else None."""
    days = settings.BILLING_ANOMALY_TRAILING_DAYS
    average = sum(history.values(), Decimal(0)) / days
    used_days = sum(1 for value in history.values() if value > 0)
    if used_days < MIN_HISTORY_DAYS or average < MIN_AVERAGE:
        return None
    multiple = Decimal(str(settings.BILLING_ANOMALY_MULTIPLE))
    if spend >= Decimal(str(settings.BILLING_ANOMALY_MIN_SPEND)) and spend > multiple * average:
        return average
    return None


def detect_anomalies(day: dt.date) -> list[SpendAnomaly]:
    """Flag every tenant whose spend on `day` is an anomaly; the anomalies created now (a
    day already flagged is not flagged again), each alerted to staff once."""
    window_start = day - dt.timedelta(days=settings.BILLING_ANOMALY_TRAILING_DAYS)
    spend = daily_spend(window_start, day)
    created = []
    for tenant_id, days in sorted(spend.items()):
        today_spend = days.get(day)
        if not today_spend:
            continue
        history = {d: value for d, value in days.items() if d < day}
        average = _judge(today_spend, history)
        if average is None:
            continue
        anomaly = _flag(tenant_id, day, today_spend, average)
        if anomaly is not None:
            created.append(anomaly)
    return created


def _flag(tenant_id: int, day: dt.date, spend: Decimal, average: Decimal) -> SpendAnomaly | None:
    """The anomaly of the tenant's day when this call created it (None: flagged before)."""
    with transaction.atomic():
        anomaly, created = SpendAnomaly.objects.get_or_create(
            tenant_id=tenant_id,
            day=day,
            defaults={
                "spend": spend,
                "trailing_average": average.quantize(Decimal("0.00001")),
                "multiple": _multiple(spend, average),
            },
        )
        if not created:
            return None
        enqueue.notify_anomaly(anomaly.pk)
    logger.warning(
        "spend anomaly: tenant %s spent %s on %s (trailing average %s)",
        tenant_id,
        spend,
        day,
        anomaly.trailing_average,
    )
    return anomaly


def anomaly_notify(anomaly_id: int) -> bool:
    """Email staff about an anomaly once; True when this call sent it. The row is marked
    alerted before sending (so two workers never both send) and unmarked if sending fails."""
    now = timezone.now()
    if not SpendAnomaly.objects.filter(pk=anomaly_id, alerted_at__isnull=True).update(
        alerted_at=now
    ):
        return False
    anomaly = SpendAnomaly.objects.select_related("tenant").get(pk=anomaly_id)
    try:
        send_billing_email(
            subject=f"Spend anomaly: {anomaly.tenant.name} on {anomaly.day.isoformat()}",
            template="billing/email/anomaly.txt",
            context=_email_context(anomaly),
            to=staff_emails(),
        )
    except Exception:
        SpendAnomaly.objects.filter(pk=anomaly_id, alerted_at=now).update(alerted_at=None)
        raise
    return True


def _email_context(anomaly: SpendAnomaly) -> dict:
    currency = (
        UsageRecord.objects.for_tenant(anomaly.tenant)
        .filter(day=anomaly.day)
        .values_list("currency", flat=True)
        .first()
    ) or "USD"
    return {
        "tenant": anomaly.tenant,
        "day": anomaly.day,
        "spend": format_money(anomaly.spend, currency),
        "average": format_money(anomaly.trailing_average, currency),
        "multiple": anomaly.multiple,
        "threshold": settings.BILLING_ANOMALY_MULTIPLE,
        "trailing_days": settings.BILLING_ANOMALY_TRAILING_DAYS,
        "admin_url": absolute_url(ADMIN_PATH),
    }


def anomaly_acknowledge(anomaly: SpendAnomaly, *, actor: Actor) -> SpendAnomaly:
    """Staff mark an anomaly as seen (audited); acknowledging it again changes nothing."""
    with transaction.atomic():
        locked = (
            SpendAnomaly.objects.select_for_update().select_related("tenant").get(pk=anomaly.pk)
        )
        if locked.acknowledged_at is not None:
            return locked
        locked.acknowledged_by = actor.user
        locked.acknowledged_at = timezone.now()
        locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record_audit(
            tenant=locked.tenant,
            actor=actor,
            action="billing.anomaly_acknowledged",
            target=locked,
            changes={"day": locked.day.isoformat(), "spend": str(locked.spend)},
        )
    return locked
