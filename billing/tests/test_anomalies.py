"""Spend anomalies, with worked data: a day far above the trailing average is flagged and
alerted once; a new tenant's first day and small amounts are not; staff acknowledge."""

import datetime as dt
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.core import mail

from billing.categories import TOTAL
from billing.models import SpendAnomaly
from billing.services.anomalies import anomaly_acknowledge, detect_anomalies
from billing.tasks.usage import detect_anomalies_task, notify_anomaly_task
from billing.tests.factories import UsageRecordFactory
from tenants.models import AuditEvent
from tenants.services import Actor

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _staff(settings):
    settings.BILLING_STAFF_EMAILS = ["ops@example.com"]
    settings.BILLING_ANOMALY_MULTIPLE = 3.0
    settings.BILLING_ANOMALY_TRAILING_DAYS = 14
    settings.BILLING_ANOMALY_MIN_SPEND = "1.00"


def spend(tenant, day: dt.date, amount: str, category: str = TOTAL):
    return UsageRecordFactory(
        tenant=tenant, account_sid="AC" + "1" * 32, category=category, day=day, price=amount
    )


def history(tenant, amount: str = "1.00", days: int = 14):
    for n in range(1, days + 1):
        spend(tenant, DAY - dt.timedelta(days=n), amount)


def detect(on_commit, day=DAY):
    return on_commit(detect_anomalies, day)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def test_a_day_at_ten_times_the_average_is_flagged_and_alerted_once(tenant, on_commit):
    history(tenant)
    spend(tenant, DAY, "10.00")

    [anomaly] = detect(on_commit)
    assert (anomaly.tenant, anomaly.day, anomaly.spend) == (tenant, DAY, Decimal("10.00"))
    assert (anomaly.trailing_average, anomaly.multiple) == (Decimal("1"), Decimal("10.00"))
    [email] = mail.outbox
    assert email.to == ["ops@example.com"]
    assert tenant.name in email.subject and "2026-11-20" in email.subject
    assert "10.00 USD" in email.body and "1.00 USD" in email.body
    assert "http://" in email.body and "/admin/billing/overview/" in email.body
    anomaly.refresh_from_db()
    assert anomaly.alerted_at is not None

    assert detect(on_commit) == []  # the job running twice flags and alerts nothing more
    assert notify_anomaly_task.apply(args=[anomaly.pk]).get() is False
    assert len(mail.outbox) == 1
    assert SpendAnomaly.objects.for_tenant(tenant).count() == 1


def test_ordinary_days_and_spend_below_the_floor_are_not_flagged(tenant, other_tenant, on_commit):
    history(tenant)
    spend(tenant, DAY, "2.90")  # under 3x the average
    history(other_tenant, "0.10")
    spend(other_tenant, DAY, "0.95")  # 9.5x, but under the 1.00 floor
    assert detect(on_commit) == []
    assert mail.outbox == []


def test_a_new_tenants_first_day_is_not_an_anomaly(tenant, on_commit):
    spend(tenant, DAY, "25.00")  # no history at all
    assert detect(on_commit) == []
    history(tenant, "1.00", days=2)  # two days of history are not enough to judge by
    assert detect(on_commit) == []
    spend(tenant, DAY - dt.timedelta(days=3), "1.00")
    [anomaly] = detect(on_commit)
    # Days without usage count as zero: 3.00 over 14 days.
    assert anomaly.trailing_average == Decimal("0.21429")


def test_without_twilios_total_the_leaves_are_summed(tenant, on_commit):
    for n in range(1, 15):
        day = DAY - dt.timedelta(days=n)
        spend(tenant, day, "0.60", "sms-outbound")
        spend(tenant, day, "0.40", "phonenumbers-local")
    spend(tenant, DAY, "4.00", "sms-outbound")
    spend(tenant, DAY, "0.40", "phonenumbers-local")
    [anomaly] = detect(on_commit)
    assert (anomaly.spend, anomaly.trailing_average) == (Decimal("4.40"), Decimal("1"))


def test_staff_acknowledge_an_anomaly_once_audited(tenant, staff_user):
    anomaly = SpendAnomaly.objects.create(
        tenant=tenant, day=DAY, spend=10, trailing_average=1, multiple=10
    )
    acknowledged = anomaly_acknowledge(anomaly, actor=Actor(user=staff_user))
    assert acknowledged.acknowledged_by == staff_user and acknowledged.acknowledged_at
    again = anomaly_acknowledge(anomaly, actor=Actor(user=staff_user))
    assert again.acknowledged_at == acknowledged.acknowledged_at
    [event] = AuditEvent.objects.filter(action="billing.anomaly_acknowledged")
    assert (event.tenant, event.actor_user, event.target_id) == (
        tenant,
        staff_user,
        str(anomaly.pk),
    )


def test_a_failed_email_leaves_the_anomaly_to_alert_again(tenant, on_commit, monkeypatch):
    history(tenant)
    spend(tenant, DAY, "10.00")

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("billing.notify.send_mail", refused)
    with pytest.raises(Retry):  # the task will try again with backoff
        detect(on_commit)
    anomaly = SpendAnomaly.objects.for_tenant(tenant).get()
    assert anomaly.alerted_at is None
    monkeypatch.undo()
    assert notify_anomaly_task.apply(args=[anomaly.pk]).get() is True
    assert len(mail.outbox) == 1


def test_the_detection_task_takes_the_day_as_text(tenant, on_commit):
    history(tenant)
    spend(tenant, DAY, "10.00")
    assert on_commit(detect_anomalies_task, DAY.isoformat()) == 1
