"""Each condition holds on the rows its events leave and not below its threshold."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import Registration
from compliance.tests.factories import RegistrationFactory, TollFreeVerificationFactory
from isvplatform import refusals
from isvplatform.models import WorkerHeartbeat
from messaging.tests.factories import MessageFactory
from ops import conditions
from ops.models import AlertKind
from webhooks.models import WebhookAttempt
from webhooks.tests.factories import DeliveryFactory, EndpointFactory

pytestmark = pytest.mark.django_db


def outcomes(tenant, delivered: int, failed: int, code: int = 30003) -> None:
    now = timezone.now()
    for _ in range(delivered):
        MessageFactory(tenant=tenant, delivered_at=now)
    for _ in range(failed):
        MessageFactory(
            tenant=tenant, status="undelivered", status_rank=40, failed_at=now, error_code=code
        )


def test_delivery_rate_below_the_floor_with_enough_messages(tenant, low_thresholds):
    outcomes(tenant, delivered=3, failed=0)
    assert conditions.delivery_rate() is None
    outcomes(tenant, delivered=0, failed=2)
    finding = conditions.delivery_rate()
    assert finding.kind == AlertKind.DELIVERY_RATE
    assert finding.details == {"delivered": 3, "failed": 2, "rate_percent": 60.0}
    assert "Only 60% of 5 messages delivered in the last 15 minutes" in finding.summary


def test_delivery_rate_ignores_outcomes_before_the_window(tenant, low_thresholds):
    old = timezone.now() - timedelta(minutes=20)
    for _ in range(5):
        MessageFactory(
            tenant=tenant, status="failed", status_rank=40, failed_at=old, error_code=30008
        )
    assert conditions.delivery_rate() is None


def test_too_few_outcomes_never_fire(tenant, low_thresholds):
    outcomes(tenant, delivered=0, failed=3)
    assert conditions.delivery_rate() is None


def test_carrier_filtering_counts_only_the_configured_codes(tenant, low_thresholds):
    outcomes(tenant, delivered=0, failed=5, code=30003)
    assert conditions.carrier_filtering() is None
    outcomes(tenant, delivered=0, failed=2, code=30007)
    outcomes(tenant, delivered=0, failed=1, code=30034)
    finding = conditions.carrier_filtering()
    assert finding.details == {"by_error_code": {"30007": 2, "30034": 1}}
    assert finding.summary.startswith("3 messages blocked by carriers")


def test_signature_failures_read_the_refusal_tally(low_thresholds):
    refusals.record_refusal("twilio_webhooks:status", "invalid_signature")
    assert conditions.signature_failures() is None
    refusals.record_refusal("twilio_webhooks:status", "invalid_signature")
    refusals.record_refusal("amazon_ses_tracking", "invalid_basic_auth")
    finding = conditions.signature_failures()
    assert finding.details == {
        "by_endpoint": {"amazon_ses_tracking": 1, "twilio_webhooks:status": 2}
    }


def test_outbox_age_over_the_threshold(tenant, settings):
    settings.OPS_OUTBOX_MAX_AGE_SECONDS = 300
    MessageFactory(tenant=tenant, sid=None, status="queued", status_rank=10)
    assert conditions.outbox_age() is None
    MessageFactory(
        tenant=tenant,
        sid=None,
        status="queued",
        status_rank=10,
        created_at=timezone.now() - timedelta(minutes=12),
    )
    assert "waited 12 minutes" in conditions.outbox_age().summary


def test_registrations_stuck_in_review(tenant, other_tenant, settings):
    settings.OPS_REGISTRATION_STUCK_HOURS = 48
    long_ago = timezone.now() - timedelta(hours=50)
    RegistrationFactory(tenant=tenant, status=Registration.Status.IN_REVIEW, submitted_at=long_ago)
    RegistrationFactory(
        tenant=other_tenant, status=Registration.Status.SUBMITTED, submitted_at=timezone.now()
    )
    TollFreeVerificationFactory(tenant=other_tenant, submitted_at=long_ago)
    finding = conditions.registrations_stuck()
    assert sorted(row["kind"] for row in finding.details["registrations"]) == [
        "10dlc",
        "toll_free",
    ]
    assert finding.summary.startswith("2 registrations have been under review for more than 48")


def test_worker_heartbeat_lost_never_seen_and_fresh(db, settings):
    settings.OPS_HEARTBEAT_MAX_AGE_SECONDS = 180
    assert "ever reported a heartbeat" in conditions.worker_heartbeat().summary
    beat = WorkerHeartbeat.objects.create(name="worker", last_seen_at=timezone.now())
    assert conditions.worker_heartbeat() is None
    beat.last_seen_at = timezone.now() - timedelta(minutes=7)
    beat.save()
    assert "last seen 7 minutes ago" in conditions.worker_heartbeat().summary


def attempts(endpoint, codes: list[int | None]) -> None:
    delivery = DeliveryFactory(endpoint=endpoint, state="pending")
    for code in codes:
        WebhookAttempt.objects.create(
            delivery=delivery, status_code=code, error="" if code else "connection refused"
        )


def test_an_endpoint_fails_when_its_latest_attempts_all_failed(tenant, low_thresholds):
    flaky = EndpointFactory(tenant=tenant, url="https://flaky.example.com/hook?token=s3cret")
    attempts(flaky, [500, 500, 200, 500, 500])
    assert conditions.tenant_webhooks() is None
    down = EndpointFactory(tenant=tenant, url="https://down.example.com/hook?token=s3cret")
    attempts(down, [200, 503, None, 502])
    finding = conditions.tenant_webhooks()
    assert [row["host"] for row in finding.details["endpoints"]] == ["down.example.com"]
    assert "s3cret" not in str(finding)
