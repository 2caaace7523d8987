"""Daily rollups of verification attempts: what the analytics read instead of the attempts.

One `VerificationDailyRollup` per tenant, UTC day (of the attempt's `created_at`), channel
and country. A rollup is never incremented: `rollup_recompute` counts the tenant's day afresh
from its attempts, set-based, and replaces that day's rows, so running it twice (or after a
lost or duplicated task) gives the same figures and nothing is counted twice.

**Keeping them fresh (for the code that writes attempts).** Whenever an attempt is created,
or its status, price or approval time changes, call

    verify.rollups.mark_attempt_dirty(attempt)      # or mark_dirty(tenant_id, day)

inside the same transaction: after the commit a Celery task (`verify.rollup_recompute`)
recounts that tenant's day. The beat job `verify.rollups_recent` re-marks today and
yesterday for every tenant with attempts or rollups on those days, as a backstop for an
attempt written without the call (an expiry noticed late, an import).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.utils import timezone

from tenants.models import Tenant
from verify import enqueue, ttv
from verify.models import VerificationAttempt, VerificationDailyRollup

Status = VerificationAttempt.Status
# The final statuses that are not a success; pending attempts are neither.
FAILURE_STATUSES = (Status.CANCELED, Status.EXPIRED, Status.MAX_ATTEMPTS, Status.FAILED)

Key = tuple[int, str, str]  # tenant id, channel, country


def day_of(moment: dt.datetime) -> dt.date:
    """The UTC day an attempt counts on."""
    return timezone.localtime(moment, dt.UTC).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def mark_dirty(tenant_id: int, day: dt.date) -> None:
    """Have the tenant's rollups of `day` recounted once the current transaction commits."""
    enqueue.recompute_rollup(tenant_id, day.isoformat())


def mark_attempt_dirty(attempt: VerificationAttempt) -> None:
    """`mark_dirty` for the day an attempt counts on."""
    mark_dirty(attempt.tenant_id, day_of(attempt.created_at))


def failure_reason(status: str, error_code: str) -> str:
    """What a failure is counted under: Twilio's error code for a send Twilio refused, else
    the final status (expired, cancelled, too many wrong codes)."""
    if status == Status.FAILED and error_code:
        return error_code
    return status


@dataclass
class _Counts:
    attempts: int = 0
    approved: int = 0
    cost: Decimal = Decimal(0)
    cost_unit: str = ""
    failures: dict[str, int] = field(default_factory=dict)
    durations: list[float] = field(default_factory=list)


def _count(attempts) -> dict[Key, _Counts]:
    """Three grouped queries over `attempts`: totals, failures by reason, times to verify."""
    groups: dict[Key, _Counts] = defaultdict(_Counts)
    keys = ("tenant_id", "channel", "country")
    totals = attempts.values(*keys).annotate(
        n=Count("id"),
        ok=Count("id", filter=Q(status=Status.APPROVED)),
        cost=Sum("price"),
        unit=Max("price_unit"),
    )
    for row in totals.order_by():
        counts = groups[(row["tenant_id"], row["channel"], row["country"])]
        counts.attempts, counts.approved = row["n"], row["ok"]
        counts.cost, counts.cost_unit = row["cost"] or Decimal(0), row["unit"] or ""
    failed = attempts.filter(status__in=FAILURE_STATUSES).values(*keys, "status", "error_code")
    for row in failed.annotate(n=Count("id")).order_by():
        reasons = groups[(row["tenant_id"], row["channel"], row["country"])].failures
        reason = failure_reason(row["status"], row["error_code"])
        reasons[reason] = reasons.get(reason, 0) + row["n"]
    took = ExpressionWrapper(F("approved_at") - F("created_at"), output_field=DurationField())
    approved = attempts.filter(status=Status.APPROVED, approved_at__isnull=False)
    for tenant_id, channel, country, delta in (
        approved.annotate(took=took).values_list(*keys, "took").order_by().iterator(5000)
    ):
        groups[(tenant_id, channel, country)].durations.append(delta.total_seconds())
    return groups


def _rows(day: dt.date, groups: dict[Key, _Counts]) -> list[VerificationDailyRollup]:
    now = timezone.now()
    return [
        VerificationDailyRollup(
            tenant_id=tenant_id,
            day=day,
            channel=channel,
            country=country,
            attempts=counts.attempts,
            approved=counts.approved,
            failures=counts.failures,
            ttv_sum_seconds=sum(max(d, 0.0) for d in counts.durations),
            ttv_histogram=ttv.histogram_of(counts.durations),
            cost=counts.cost,
            cost_unit=counts.cost_unit,
            computed_at=now,
        )
        for (tenant_id, channel, country), counts in groups.items()
    ]


def rollup_recompute(*, tenant_id: int, day: dt.date) -> int:
    """Replace a tenant's rollups of one day with figures counted afresh; the row count.

    The tenant's row is locked for the recount, so two recounts of the same tenant run one
    after the other and the later one counts what the earlier one could not have seen.
    """
    start, end = day_bounds(day)
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant_id).first()
        attempts = VerificationAttempt.objects.for_tenant(tenant_id)
        groups = _count(attempts.filter(created_at__gte=start, created_at__lt=end))
        VerificationDailyRollup.objects.for_tenant(tenant_id).filter(day=day).delete()
        rows = VerificationDailyRollup.objects.bulk_create(_rows(day, groups))
    return len(rows)


def rollups_rebuild(days: Iterable[dt.date]) -> int:
    """Recount every tenant's rollups of the given days at once (a backfill: one set of
    queries per day instead of one per tenant and day); the row count."""
    written = 0
    for day in days:
        start, end = day_bounds(day)
        attempts = VerificationAttempt.objects.filter(created_at__gte=start, created_at__lt=end)
        groups = _count(attempts)
        with transaction.atomic():
            VerificationDailyRollup.objects.filter(day=day).delete()
            written += len(
                VerificationDailyRollup.objects.bulk_create(_rows(day, groups), batch_size=2000)
            )
    return written


def rollups_mark_recent(today: dt.date | None = None) -> int:
    """Mark today and yesterday dirty for every tenant with attempts or rollups then."""
    today = today or day_of(timezone.now())
    marked = 0
    for day in (today - dt.timedelta(days=1), today):
        start, end = day_bounds(day)
        with_attempts = VerificationAttempt.objects.filter(
            created_at__gte=start, created_at__lt=end
        )
        tenants = set(with_attempts.values_list("tenant_id", flat=True).distinct().order_by())
        rolled = VerificationDailyRollup.objects.filter(day=day)
        tenants |= set(rolled.values_list("tenant_id", flat=True).distinct().order_by())
        for tenant_id in sorted(tenants):
            mark_dirty(tenant_id, day)
        marked += len(tenants)
    return marked
