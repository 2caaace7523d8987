"""evaluate_all(): opens once per kind, refreshes while the condition holds, resolves when
it stops; staff are emailed once on opening and once on resolution."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from isvplatform.models import WorkerHeartbeat
from ops import services
from ops.models import Alert, AlertKind
from ops.tasks import evaluate_alerts_task
from tenants.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    UserFactory(is_staff=False, email="customer@example.com")
    UserFactory(is_staff=True, is_active=False, email="gone@example.com")
    return UserFactory(is_staff=True, email="oncall@example.com")


def lose_worker() -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.update_or_create(
        name="worker", defaults={"last_seen_at": timezone.now() - timedelta(minutes=10)}
    )[0]


def test_an_alert_opens_once_refreshes_and_resolves_with_two_emails(staff, settings):
    settings.OPS_ALERT_EMAILS = []
    beat = lose_worker()
    first = services.evaluate_all()
    assert first.opened == [AlertKind.WORKER_HEARTBEAT]
    second = services.evaluate_all()
    assert second.opened == [] and second.refreshed == [AlertKind.WORKER_HEARTBEAT]
    alert = Alert.objects.get()
    assert (alert.state, alert.count, alert.severity) == ("open", 2, "critical")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["oncall@example.com"]
    assert mail.outbox[0].subject == "[Critical] Worker heartbeat lost"
    assert "/admin/ops/alerts/" in mail.outbox[0].body

    beat.last_seen_at = timezone.now()
    beat.save()
    third = services.evaluate_all()
    assert third.resolved == [AlertKind.WORKER_HEARTBEAT]
    alert.refresh_from_db()
    assert alert.state == "resolved" and alert.resolved_at is not None
    assert [m.subject for m in mail.outbox] == [
        "[Critical] Worker heartbeat lost",
        "[Resolved] Worker heartbeat lost",
    ]
    services.evaluate_all()
    assert len(mail.outbox) == 2

    lose_worker()
    services.evaluate_all()
    assert Alert.objects.filter(kind=AlertKind.WORKER_HEARTBEAT).count() == 2
    assert len(mail.outbox) == 3


def test_configured_addresses_replace_the_staff_list(staff, settings):
    settings.OPS_ALERT_EMAILS = ["pager@example.com"]
    lose_worker()
    services.evaluate_all()
    assert [m.to for m in mail.outbox] == [["pager@example.com"]]


def test_a_failed_email_is_sent_by_the_next_evaluation(staff, settings):
    settings.OPS_ALERT_EMAILS = []
    settings.EMAIL_BACKEND = "ops.tests.broken_mail.BrokenBackend"
    lose_worker()
    services.evaluate_all()
    assert Alert.objects.get().opened_email_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.evaluate_all()
    assert Alert.objects.get().opened_email_at is not None
    assert len(mail.outbox) == 1


def test_a_condition_that_cannot_be_evaluated_leaves_its_alert_open(staff, monkeypatch, settings):
    lose_worker()
    services.evaluate_all()

    def broken():
        raise RuntimeError("database away")

    monkeypatch.setitem(services.CONDITIONS, AlertKind.WORKER_HEARTBEAT, broken)
    result = services.evaluate_all()
    assert result.failed == [AlertKind.WORKER_HEARTBEAT]
    assert Alert.objects.get().state == "open"


def test_the_beat_task_skips_while_another_run_holds_the_lock(worker_alive):
    from django.core.cache import cache

    assert "skipped" not in evaluate_alerts_task.delay().get()
    cache.add("ops:evaluate-alerts", "1", timeout=60)
    try:
        assert evaluate_alerts_task.delay().get() == {"skipped": True}
    finally:
        cache.delete("ops:evaluate-alerts")


def test_acknowledging_is_recorded_once(staff):
    lose_worker()
    services.evaluate_all()
    alert = Alert.objects.get()
    assert services.alert_acknowledge(alert=alert, user=staff)
    assert not services.alert_acknowledge(alert=alert, user=staff)
    alert.refresh_from_db()
    assert alert.acknowledged_by == staff
