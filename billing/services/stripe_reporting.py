"""What final statements owe Stripe: one meter event per statement, reported exactly once.

One `StripeMeterReport` per final statement (not per line): its value is the statement's
total (usage charge and monthly fee) in the currency's minor units, so the meter's sum for a
customer equals what its statements charged to the cent (lines rounded one by one would
not add up to the total). Its identifier, `isv-<statement id>-total`, is unique here and at
Stripe, which refuses a repeated identifier, and the send uses it as the Idempotency-Key.

Sending claims the row (`isvplatform.claims`), calls Stripe outside any transaction and
writes the result back; a sent report is never sent again. A failure is kept on the row and
retried with a backoff by attempts: the claim's lease is held until the next try is due,
so `stripe_report_due` (beat) and the task's own retry agree on when that is.

The event's timestamp is the last second of the statement's period (UTC). Stripe accepts
events up to 35 days old; a statement reported later than that (Stripe was off, or kept
failing) is reported at the current time instead, in the next Stripe billing period.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from billing import stripe_meters
from billing.categories import TOTAL
from billing.models import Statement, StripeMeterReport
from isvplatform import claims

logger = logging.getLogger(__name__)

# Stripe's zero- and three-decimal currencies; every other one has cents.
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
THREE_DECIMAL = frozenset(["BHD", "JOD", "KWD", "OMR", "TND"])
STRIPE_MAX_EVENT_AGE = timedelta(days=35)
AGE_MARGIN = timedelta(hours=1)
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600
DUE_BATCH = 100
OPEN = (StripeMeterReport.Status.PENDING, StripeMeterReport.Status.FAILED)


class ReportRetry(Exception):
    """A passing Stripe failure, recorded on the report: try again in `delay` seconds."""

    def __init__(self, message: str, delay: float) -> None:
        super().__init__(message)
        self.delay = delay


def minor_units(amount: Decimal, currency: str) -> int:
    """`amount` in the currency's smallest unit (cents for USD), rounded half up."""
    code = (currency or "USD").upper()
    exponent = 0 if code in ZERO_DECIMAL else 3 if code in THREE_DECIMAL else 2
    return int((Decimal(amount) * 10**exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def report_identifier(statement: Statement) -> str:
    return f"isv-{statement.pk}-total"


def backoff_seconds(attempts: int) -> float:
    return float(min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def event_time(statement: Statement, now: datetime | None = None) -> datetime:
    """The period's last second, or now when Stripe would refuse it as too old."""
    now = now or timezone.now()
    end = min(datetime.combine(statement.period_end, time(23, 59, 59), tzinfo=UTC), now)
    return now if end < now - STRIPE_MAX_EVENT_AGE + AGE_MARGIN else end


def _final_statement(statement_id: Any) -> Statement | None:
    try:
        return Statement.objects.filter(pk=statement_id, status=Statement.Status.FINAL).first()
    except (ValueError, ValidationError):
        return None


def stripe_reports_prepare(statement_id: Any) -> int:
    """Create the report a final statement owes Stripe (0 when it exists, the statement is
    not final, charges nothing, or reporting is off)."""
    if not stripe_meters.reporting_enabled():
        return 0
    statement = _final_statement(statement_id)
    if statement is None:
        return 0
    value = minor_units(statement.total, statement.currency)
    if value <= 0:
        return 0
    _, created = StripeMeterReport.objects.get_or_create(
        identifier=report_identifier(statement),
        defaults={
            "tenant_id": statement.tenant_id,
            "statement": statement,
            "category": TOTAL,
            "event_name": settings.STRIPE_METER_EVENT_NAME,
            "value": value,
        },
    )
    return int(created)


def stripe_report_send(report_id: int) -> bool:
    """Send one report if it is open and free: True once Stripe holds it (sent now, or
    already by an earlier attempt). A refusal is recorded FAILED and returns False; a
    passing failure is recorded FAILED and raises `ReportRetry`."""
    if not stripe_meters.reporting_enabled():
        return False
    queryset = StripeMeterReport.objects.filter(status__in=OPEN)
    held = claims.claim(queryset, report_id, seconds=settings.STRIPE_REPORT_CLAIM_SECONDS)
    if held is None:
        return False
    report = StripeMeterReport.objects.select_related("tenant", "statement").get(pk=report_id)
    customer_id = report.customer_id
    try:
        with stripe_meters.connection() as client:
            customer_id = customer_id or stripe_meters.ensure_customer(report.tenant, client=client)
            stripe_meters.ensure_meter(report.event_name, client=client)
            new = stripe_meters.send_meter_event(
                event_name=report.event_name,
                customer_id=customer_id,
                value=report.value,
                identifier=report.identifier,
                timestamp=event_time(report.statement),
                client=client,
            )
    except stripe_meters.StripeReportingError as err:
        return _failed(held, report, customer_id, err)
    logger.info("stripe meter event %s %s", report.identifier, "sent" if new else "already held")
    return claims.release(
        StripeMeterReport.objects.all(),
        held,
        status=StripeMeterReport.Status.SENT,
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
        customer_id=customer_id,
    )


def _failed(
    held: claims.Claim,
    report: StripeMeterReport,
    customer_id: str,
    err: stripe_meters.StripeReportingError,
) -> bool:
    delay = backoff_seconds(report.attempts + 1)
    # The lease is kept until the next try is due: that is the backoff.
    claims.holds(StripeMeterReport.objects.all(), held).update(
        claim_token=None,
        claimed_until=timezone.now() + timedelta(seconds=delay),
        status=StripeMeterReport.Status.FAILED,
        attempts=F("attempts") + 1,
        last_error=err.message[:2000],
        customer_id=customer_id or "",
    )
    logger.warning("stripe meter event %s failed: %s", report.identifier, err.message)
    if err.retryable:
        raise ReportRetry(err.message, delay)
    return False


def _unreported_statements() -> list[Any]:
    """Final statements of the last 35 days with no report yet (a lost task, or reporting
    turned on since)."""
    since = timezone.now() - STRIPE_MAX_EVENT_AGE
    return list(
        Statement.objects.filter(status=Statement.Status.FINAL, finalized_at__gte=since)
        .filter(reports__isnull=True)
        .values_list("pk", flat=True)[:DUE_BATCH]
    )


def stripe_report_due() -> int:
    """Beat: prepare what final statements still owe, then send every open report whose
    claim (or backoff) is free; returns how many Stripe now holds."""
    if not stripe_meters.reporting_enabled():
        return 0
    for statement_id in _unreported_statements():
        stripe_reports_prepare(statement_id)
    due = list(
        StripeMeterReport.objects.filter(status__in=OPEN)
        .filter(claims.free())
        .order_by("created_at")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    sent = 0
    for report_id in due:
        try:
            sent += int(stripe_report_send(report_id))
        except ReportRetry:
            continue
    return sent
