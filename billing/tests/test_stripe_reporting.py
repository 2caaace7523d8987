"""Final statements reported to Stripe's Billing meters through the real `stripe` SDK and
the local Stripe (sandbox/stripe), in process: once per statement, however often the jobs
run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from billing import periods, stripe_meters
from billing.models import Statement, StripeMeterReport
from billing.services import stripe_reporting
from billing.services.stripe_reporting import (
    ReportRetry,
    event_time,
    minor_units,
    stripe_report_due,
    stripe_report_send,
    stripe_reports_prepare,
)
from billing.tasks.stripe import report_statement_task, report_to_stripe_task
from billing.tests.factories import StatementFactory
from provisioning.billing import stripe_customer_link
from provisioning.models import StripeCustomer
from sandbox.stripe import keys
from sandbox.stripe.testing import customers, meter_events, sdk_client
from tenants.services import Actor

pytestmark = pytest.mark.django_db

EVENT = "isv_test_usage"


@pytest.fixture(autouse=True)
def stripe_sandbox(settings):
    settings.STRIPE_MODE = "sandbox"
    settings.STRIPE_SANDBOX_URL = ""
    settings.STRIPE_SANDBOX_API_KEY = "sk_test_" + "g" * 40
    settings.STRIPE_METER_EVENT_NAME = EVENT
    return settings


@pytest.fixture
def statement():
    return StatementFactory(total=Decimal("39.07"), tenant__name="Acme Ltd")


def period_sum(statement: Statement, customer_id: str) -> float:
    """What Stripe's meter event summary says the customer used in the statement's period."""
    client = sdk_client()
    meter = next(
        m for m in client.v1.billing.meters.list().auto_paging_iter() if m.event_name == EVENT
    )
    start = dt.datetime.combine(statement.period_start, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(statement.period_end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    summaries = client.v1.billing.meters.event_summaries.list(
        meter.id,
        {
            "customer": customer_id,
            "start_time": int(start.timestamp()),
            "end_time": int(end.timestamp()),
        },
    )
    return sum(s.aggregated_value for s in summaries.data)


def test_meter_events_are_sent_once_per_period_even_if_the_job_runs_twice(statement):
    assert report_statement_task(str(statement.pk)) == 1
    assert report_statement_task(str(statement.pk)) == 0
    assert report_to_stripe_task() == 0

    report = StripeMeterReport.objects.get(statement=statement)
    assert report.status == StripeMeterReport.Status.SENT and report.sent_at is not None
    assert report.attempts == 1 and report.value == 3907
    assert report.identifier == f"isv-{statement.pk}-total"
    events = meter_events()
    assert [(e.identifier, e.value, e.event_name) for e in events] == [
        (report.identifier, 3907, EVENT)
    ]
    assert events[0].customer_id == report.customer_id
    assert statement.period_start <= events[0].timestamp.date() <= statement.period_end
    assert period_sum(statement, report.customer_id) == 3907.0


def test_prepare_is_idempotent_and_only_for_charged_final_statements(statement):
    assert stripe_reports_prepare(statement.pk) == 1
    assert stripe_reports_prepare(statement.pk) == 0
    draft = StatementFactory(
        status=Statement.Status.DRAFT, period_start=periods.period_start(periods.today())
    )
    free = StatementFactory(total=Decimal("0.00"))
    assert stripe_reports_prepare(draft.pk) == 0
    assert stripe_reports_prepare(free.pk) == 0
    assert stripe_reports_prepare("not-a-uuid") == 0
    assert StripeMeterReport.objects.count() == 1


def test_a_sent_report_is_never_sent_again(statement):
    stripe_reports_prepare(statement.pk)
    report = StripeMeterReport.objects.get()
    assert stripe_report_send(report.pk) is True
    assert stripe_report_send(report.pk) is False
    StripeMeterReport.objects.filter(pk=report.pk).update(claimed_until=None)
    assert stripe_report_due() == 0
    assert len(meter_events()) == 1


def test_a_report_whose_write_back_was_lost_is_not_counted_twice(statement):
    """A worker that reached Stripe and died before writing SENT: the next one sends the
    same identifier, Stripe answers the same (Idempotency-Key) and counts it once."""
    stripe_reports_prepare(statement.pk)
    report = StripeMeterReport.objects.get()
    assert stripe_report_send(report.pk)
    StripeMeterReport.objects.filter(pk=report.pk).update(
        status=StripeMeterReport.Status.PENDING, sent_at=None
    )
    assert stripe_report_send(report.pk) is True
    assert len(meter_events()) == 1
    report.refresh_from_db()
    assert period_sum(statement, report.customer_id) == 3907.0


def test_the_customer_is_created_once_and_linked_to_the_tenant(statement):
    earlier = StatementFactory(
        tenant=statement.tenant,
        period_start=periods.previous_period_start(statement.period_start),
        total=Decimal("10.00"),
    )
    report_statement_task(str(statement.pk))
    report_statement_task(str(earlier.pk))

    [customer] = customers()
    assert customer.name == "Acme Ltd"
    assert customer.metadata == {"tenant_id": str(statement.tenant_id)}
    link = StripeCustomer.objects.for_tenant(statement.tenant).get()
    assert link.customer_id == customer.id
    assert {e.customer_id for e in meter_events()} == {customer.id}
    assert sorted(e.value for e in meter_events()) == [1000, 3907]


def test_a_tenant_already_linked_to_a_stripe_customer_keeps_it(statement):
    existing = sdk_client().v1.customers.create({"name": "Paid by checkout"})
    stripe_customer_link(tenant=statement.tenant, customer_id=existing.id, actor=Actor.system())
    report_statement_task(str(statement.pk))
    assert [c.id for c in customers()] == [existing.id]
    assert [e.customer_id for e in meter_events()] == [existing.id]


def test_a_refused_key_fails_the_report_without_the_key(statement, settings):
    keys.ensure_account()  # the local Stripe's key is the one configured first
    bad = "sk_test_" + "w" * 36 + "WXYZ"
    settings.STRIPE_SANDBOX_API_KEY = bad
    stripe_reports_prepare(statement.pk)
    report = StripeMeterReport.objects.get()

    assert stripe_report_send(report.pk) is False
    report.refresh_from_db()
    assert report.status == StripeMeterReport.Status.FAILED and report.attempts == 1
    assert "401" in report.last_error and "Invalid API Key" in report.last_error
    assert bad not in report.last_error and "WXYZ" not in report.last_error
    assert "sk_test" not in report.last_error
    assert meter_events() == [] and customers() == []
    # Backed off: the beat leaves it until its next try is due.
    assert report.claimed_until > timezone.now() + dt.timedelta(seconds=50)
    assert stripe_report_due() == 0

    settings.STRIPE_SANDBOX_API_KEY = "sk_test_" + "g" * 40
    StripeMeterReport.objects.filter(pk=report.pk).update(claimed_until=timezone.now())
    assert stripe_report_due() == 1
    report.refresh_from_db()
    assert report.status == StripeMeterReport.Status.SENT and report.attempts == 2
    assert report.last_error == ""


def test_an_unreachable_stripe_is_retried_later(statement, settings):
    settings.STRIPE_SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens
    stripe_reports_prepare(statement.pk)
    report = StripeMeterReport.objects.get()
    with pytest.raises(ReportRetry) as excinfo:
        stripe_report_send(report.pk)
    assert excinfo.value.delay == 60
    report.refresh_from_db()
    assert report.status == StripeMeterReport.Status.FAILED and report.attempts == 1
    assert report.last_error.startswith("Stripe:")


def test_off_mode_prepares_and_sends_nothing(statement, settings):
    settings.STRIPE_MODE = "off"
    assert stripe_reports_prepare(statement.pk) == 0
    assert report_statement_task(str(statement.pk)) == 0
    assert report_to_stripe_task() == 0
    assert StripeMeterReport.objects.count() == 0
    assert meter_events() == [] and customers() == []
    assert stripe_meters.reporting_enabled() is False


def test_the_beat_reports_final_statements_the_task_missed(statement):
    assert report_to_stripe_task() == 1
    assert [e.identifier for e in meter_events()] == [f"isv-{statement.pk}-total"]


def test_event_time_is_the_period_end_unless_stripe_would_refuse_it(statement):
    now = dt.datetime.combine(statement.period_end, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=3)
    assert event_time(statement, now) == dt.datetime.combine(
        statement.period_end, dt.time(23, 59, 59), tzinfo=dt.UTC
    )
    much_later = now + dt.timedelta(days=40)
    assert event_time(statement, much_later) == much_later


def test_minor_units_follow_the_currency():
    assert minor_units(Decimal("39.07"), "USD") == 3907
    assert minor_units(Decimal("0.005"), "eur") == 1
    assert minor_units(Decimal("1200"), "JPY") == 1200
    assert minor_units(Decimal("1.2345"), "KWD") == 1235


def test_backoff_grows_with_attempts():
    assert [stripe_reporting.backoff_seconds(n) for n in (1, 2, 3)] == [60, 120, 240]
    assert stripe_reporting.backoff_seconds(50) == stripe_reporting.BACKOFF_MAX_SECONDS


def test_a_repeat_with_another_timestamp_is_already_held(statement):
    """A retry whose timestamp moved (reported at "now") gets a new Idempotency-Key; Stripe
    refuses the repeated identifier and the event still counts once."""
    customer = stripe_meters.ensure_customer(statement.tenant)
    stripe_meters.ensure_meter(EVENT)
    sent = {
        "event_name": EVENT,
        "customer_id": customer,
        "value": 5,
        "identifier": "isv-moved",
    }
    now = timezone.now()
    assert stripe_meters.send_meter_event(**sent, timestamp=now - dt.timedelta(hours=1))
    assert stripe_meters.send_meter_event(**sent, timestamp=now) is False
    assert [e.value for e in meter_events()] == [5]


def test_only_stripe_meters_imports_the_stripe_sdk():
    import ast
    from pathlib import Path

    root = Path(stripe_meters.__file__).parent
    importers = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n == "stripe" or n.startswith("stripe.") for n in names):
                importers.add(str(path.relative_to(root)))
    assert importers == {"stripe_meters.py"}
