"""Celery tasks reporting final statements to Stripe's Billing meters: thin, by id and
idempotent (a sent report is never sent again); a passing Stripe failure is retried after
the report's backoff."""

from typing import Any

from celery import shared_task

from billing.models import StripeMeterReport
from billing.services.stripe_reporting import (
    ReportRetry,
    stripe_report_due,
    stripe_report_send,
    stripe_reports_prepare,
)
from isvplatform.locks import single_run

MAX_RETRIES = 8


@shared_task(name="billing.report_statement", bind=True, acks_late=True, max_retries=MAX_RETRIES)
def report_statement_task(self, statement_id: Any) -> int:
    """Prepare a final statement's report and send it; returns how many Stripe holds."""
    stripe_reports_prepare(statement_id)
    sent = 0
    reports = StripeMeterReport.objects.filter(statement_id=statement_id).values_list(
        "pk", flat=True
    )
    for report_id in reports:
        try:
            sent += int(stripe_report_send(report_id))
        except ReportRetry as err:
            raise self.retry(countdown=err.delay + 1, exc=err) from err
    return sent


@shared_task(name="billing.report_to_stripe")
def report_to_stripe_task() -> int:
    """Beat: send every report that is due (new, or failed and past its backoff)."""
    with single_run("billing:cron:report_to_stripe", 900) as acquired:
        if not acquired:
            return 0
        return stripe_report_due()
