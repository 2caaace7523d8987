"""Sending quotas: a new tenant's 100 SMS a day through the real send paths (single, batch,
API), the monthly quota, counters that cost the same whatever was sent before, staff
setting a quota, and a broadcast over the quota waiting for the reset."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import SendingQuota
from billing.services import quotas
from billing.services.quotas import quota_admission, quota_for, quota_set, quota_usage
from billing.tests.factories import SendingQuotaFactory
from broadcasts import dispatcher
from broadcasts.models import BroadcastRecipient
from broadcasts.models import RecipientStatus as R
from broadcasts.tests.factories_dispatch import consented_contacts, sending_broadcast
from broadcasts.tests.redis_server import RedisServer
from messaging import buckets
from messaging.models import Message
from messaging.services import SendRefused, admission, message_send, message_send_batch
from messaging.tests.conftest import HANDSET, provision_tenant, rows_only
from messaging.tests.factories import MessageFactory
from tenants.models import AuditEvent
from tenants.services import Actor
from tenants.tests.factories import UserFactory, make_api_key

LEVELS = [100, 250, 500, 750, 1500, 2250, 3000]


@pytest.fixture
def ramp_on(settings):
    """The ramp's default levels (the suite runs without quotas: `settings_test`), and
    counters in bucket rows (under CI, REDIS_URL would put them in Redis)."""
    settings.BILLING_RAMP_UP_LEVELS = LEVELS
    settings.BILLING_RAMP_UP_CHANNELS = ["sms"]
    settings.BROADCAST_BUCKET_BACKEND = "db"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def quota_checked(monkeypatch, ramp_on):
    """Sends ask the quota, as `billing.gate` registers it (the list is restored after)."""
    checks = [c for c in admission._CHECKS if c is not quota_admission]
    monkeypatch.setattr(admission, "_CHECKS", [*checks, quota_admission])


def handsets(count: int, start: int = 0) -> list[str]:
    return [f"+1628555{start + i:04d}" for i in range(count)]


def batch_of(numbers: list[str]) -> list[dict]:
    return [{"to": n, "channel": "sms", "body": "Your order is ready"} for n in numbers]


def send_one(tenant, to: str = HANDSET) -> Message:
    return message_send(tenant=tenant, to=to, body="Your order is ready", actor=Actor.system())


def test_a_new_tenants_101st_sms_of_the_day_is_refused(tenant, quota_checked):
    provisioned = provision_tenant(tenant)
    results = message_send_batch(
        tenant=provisioned.tenant, items=batch_of(handsets(99)), actor=Actor.system()
    )
    assert all(r.message is not None for r in results)
    send_one(provisioned.tenant)
    with pytest.raises(SendRefused) as refused:
        send_one(provisioned.tenant)
    assert refused.value.reason == "daily_quota_reached"
    assert "daily SMS quota of 100 messages is used up" in refused.value.reason_message
    assert "resets at 00:00 UTC" in refused.value.reason_message
    assert refused.value.extra["limit"] == 100
    assert Message.objects.for_tenant(tenant).count() == 100
    quota = quota_for(tenant, "sms")
    assert (quota.ramp_level, quota.daily_limit) == (1, 100)


def test_the_api_answers_400_naming_the_quota(tenant, quota_checked):
    rows_only(tenant)
    SendingQuotaFactory(tenant=tenant, daily_limit=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    payload = {"to": HANDSET, "body": "Your table is ready"}
    assert client.post("/api/v1/messages", payload, format="json").status_code == 201
    response = client.post("/api/v1/messages", payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "daily_quota_reached"
    assert "quota of 1 messages" in error["message"]
    assert error["limit"] == 1
    reset = dt.datetime.fromisoformat(error["resets_at"])
    assert reset == quotas.daily_reset() and reset.time() == dt.time(0, 0)


def test_a_batch_is_admitted_up_to_the_quota_and_the_rest_refused_per_item(tenant, quota_checked):
    rows_only(tenant)
    SendingQuotaFactory(tenant=tenant, daily_limit=5)
    send_one(tenant)
    results = message_send_batch(tenant=tenant, items=batch_of(handsets(6)), actor=Actor.system())
    queued = [r for r in results if r.message is not None]
    assert [r.index for r in queued] == [0, 1, 2, 3]
    refused = [r for r in results if r.message is None]
    assert [r.index for r in refused] == [4, 5]
    assert quota_usage(tenant, "sms").daily_used == 5


def test_the_monthly_quota_refuses_and_gives_the_days_share_back(tenant, quota_checked):
    rows_only(tenant)
    SendingQuotaFactory(tenant=tenant, daily_limit=10, monthly_limit=3, ramp_level=None)
    results = message_send_batch(tenant=tenant, items=batch_of(handsets(5)), actor=Actor.system())
    assert sum(r.message is not None for r in results) == 3
    with pytest.raises(SendRefused) as refused:
        send_one(tenant)
    assert refused.value.reason == "monthly_quota_reached"
    assert "monthly SMS quota of 3 messages" in refused.value.reason_message
    usage = quota_usage(tenant, "sms")
    assert (usage.daily_used, usage.monthly_used, usage.monthly_limit) == (3, 3, 3)


def test_inbound_system_and_other_channels_are_not_counted(tenant, ramp_on):
    for origin in (Message.Origin.INBOUND, Message.Origin.SYSTEM, Message.Origin.BROADCAST):
        assert quota_admission(tenant, channel="sms", count=500, origin=origin).granted == 500
    assert quota_admission(tenant, channel="whatsapp", count=500, origin="api").granted == 500
    assert quota_for(tenant, "whatsapp") is None
    assert quota_usage(tenant, "sms").daily_used == 0


def test_a_tenant_that_already_sent_starts_off_the_ramp(tenant, ramp_on):
    MessageFactory(tenant=tenant, created_at=timezone.now() - dt.timedelta(days=40))
    quota = quota_for(tenant, "sms")
    assert (quota.ramp_level, quota.daily_limit) == (None, None)
    assert quota_admission(tenant, channel="sms", count=500, origin="api").granted == 500


def _queries_of_one_send(tenant) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert quota_admission(tenant, channel="sms", count=1, origin="api").granted == 1
    return len(queries)


def test_a_send_costs_the_same_queries_after_one_or_fifty_sends(tenant, other_tenant, ramp_on):
    for who, before in ((tenant, 1), (other_tenant, 50)):
        SendingQuotaFactory(tenant=who)
        MessageFactory.create_batch(before, tenant=who)
        quota_admission(who, channel="sms", count=before, origin="api")
    assert _queries_of_one_send(tenant) == _queries_of_one_send(other_tenant)
    assert quota_usage(other_tenant, "sms").daily_used == 51


def test_the_quota_row_is_remembered_and_forgotten_when_saved(tenant, ramp_on, settings):
    settings.BILLING_QUOTA_CACHE_SECONDS = 30
    quota = SendingQuotaFactory(tenant=tenant, daily_limit=2)
    quota_admission(tenant, channel="sms", count=1, origin="api")
    with CaptureQueriesContext(connection) as queries:
        quota_admission(tenant, channel="sms", count=1, origin="api")
    assert not [q for q in queries if "billing_sendingquota" in q["sql"]]
    quota.daily_limit = 3
    quota.save()
    assert quota_admission(tenant, channel="sms", count=5, origin="api").granted == 1


def test_staff_set_a_quota_by_hand_audited_and_off_the_ramp(tenant, ramp_on):
    SendingQuotaFactory(tenant=tenant)
    staff = UserFactory(is_staff=True)
    quota = quota_set(
        tenant=tenant, channel="sms", daily_limit=40, monthly_limit=900, actor=Actor(user=staff)
    )
    assert (quota.daily_limit, quota.monthly_limit, quota.ramp_level) == (40, 900, None)
    event = AuditEvent.objects.get(action="billing.quota_set")
    assert event.tenant == tenant
    assert event.changes["before"]["daily_limit"] == 100
    assert event.changes["after"]["daily_limit"] == 40
    with pytest.raises(PermissionDenied):
        quota_set(
            tenant=tenant,
            channel="sms",
            daily_limit=1,
            monthly_limit=None,
            actor=Actor(user=UserFactory()),
        )
    with pytest.raises(ValidationError) as invalid:
        quota_set(
            tenant=tenant,
            channel="sms",
            daily_limit=-1,
            monthly_limit=None,
            actor=Actor(user=staff),
        )
    assert "daily_limit" in invalid.value.message_dict
    assert SendingQuota.objects.for_tenant(tenant).get().daily_limit == 40


def test_a_broadcast_over_the_quota_defers_the_rest_to_the_reset(
    tenant, quota_checked, django_capture_on_commit_callbacks
):
    provisioned = provision_tenant(tenant)
    SendingQuotaFactory(tenant=tenant, daily_limit=3)
    broadcast = sending_broadcast(
        provisioned.tenant,
        consented_contacts(tenant, 5),
        django_capture_on_commit_callbacks,
        purpose="transactional",
    )
    result = dispatcher.broadcast_dispatch(broadcast.pk)
    assert result.queued == 3
    broadcast.refresh_from_db()
    assert (broadcast.sent, broadcast.deferred, broadcast.skipped) == (3, 2, 0)
    waiting = BroadcastRecipient.objects.filter(broadcast=broadcast, status=R.PENDING)
    assert set(waiting.values_list("not_before", flat=True)) == {quotas.daily_reset()}
    # Taken once, by the dispatcher: the broadcast's message_send did not count again.
    assert quota_usage(tenant, "sms").daily_used == 3


@pytest.fixture(params=["db", "redis"])
def store(request, settings, tmp_path):
    """The period counters in bucket rows, or in a private Redis."""
    settings.BROADCAST_BUCKET_BACKEND = request.param
    if request.param == "db":
        yield request.param
        return
    server = RedisServer(tmp_path).start()
    settings.REDIS_URL = server.url
    yield request.param
    server.stop()


def test_period_counters_grant_what_is_left_and_take_back(db, store):
    key = "quota:test:sms:d:2026-12-01"
    assert buckets.take_period(key, 3, 5, 60) == 3
    assert buckets.take_period(key, 3, 5, 60) == 2
    assert buckets.take_period(key, 1, 5, 60) == 0
    assert buckets.give_back(key, 9) == 5
    assert buckets.period_used(key) == 0
    assert buckets.take_period(key, 4, 5, 60) == 4
    assert buckets.period_used("quota:test:sms:m:2026-12") == 0
