"""Pacing: each sender's real limit, the GCRA buckets (database and Redis), daily caps,
and slowing down when Twilio pushes back (429, 30001)."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from broadcasts import dispatcher
from broadcasts.models import BroadcastRecipient
from broadcasts.tests.factories_dispatch import consented_contacts, sending_broadcast
from broadcasts.tests.redis_server import RedisServer
from compliance.models import A2PBrand, A2PCampaign, CustomerProfile, TrustProduct
from isvplatform import gateway
from messaging import buckets, pacing
from messaging.models import Message
from messaging.services import message_dispatch, message_send
from messaging.tests.conftest import provision_tenant
from provisioning.tests.factories import MessagingServiceFactory, PhoneNumberFactory
from sandbox import faults
from tenants.services import Actor
from whatsapp.tests.factories import WhatsAppSenderFactory


@pytest.fixture(autouse=True)
def _fresh_slowdowns():
    """Slow-downs live in the cache (shared by the workers): none carried between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_redis(tmp_path, settings):
    server = RedisServer(tmp_path).start()
    settings.REDIS_URL = server.url
    settings.BROADCAST_BUCKET_BACKEND = "redis"
    yield server
    server.stop()


@pytest.fixture
def db_buckets(settings):
    settings.BROADCAST_BUCKET_BACKEND = "db"


def _campaign(tenant, *, service_sid: str, brand_score=None, rate_limits=None, **brand):
    profile = CustomerProfile.objects.create(tenant=tenant, policy_sid="RN1", friendly_name="P")
    product = TrustProduct.objects.create(
        tenant=tenant, customer_profile=profile, policy_sid="RN2", friendly_name="T"
    )
    brand = A2PBrand.objects.create(
        tenant=tenant,
        customer_profile=profile,
        trust_product=product,
        brand_type=brand.get("brand_type", "STANDARD"),
        brand_score=brand_score,
        status="approved",
    )
    return A2PCampaign.objects.create(
        tenant=tenant,
        brand=brand,
        messaging_service_sid=service_sid,
        use_case="MARKETING",
        status="approved",
        rate_limits=rate_limits or {},
    )


def _limit(tenant, **kwargs):
    kwargs.setdefault("channel", "sms")
    kwargs.setdefault("from_number", "")
    kwargs.setdefault("messaging_service_sid", "")
    return pacing.sender_limit(tenant_id=tenant.pk, **kwargs)


def test_a_toll_free_number_sends_3_per_second_and_the_override_wins(tenant, settings):
    number = PhoneNumberFactory(tenant=tenant, number_type="toll_free")
    limit = _limit(tenant, from_number=number.phone_number)
    assert (limit.mps, limit.daily_cap) == (3.0, None)
    settings.BROADCAST_MPS_OVERRIDE = 5
    assert _limit(tenant, from_number=number.phone_number).mps == 5.0


def test_a_10dlc_service_takes_the_campaigns_att_mps_and_the_brands_tmobile_cap(tenant):
    service = MessagingServiceFactory(tenant=tenant)
    limits = {"att": {"mps": 75, "msg_class": "T"}, "tmobile": {"brand_tier": "LOW"}}
    campaign = _campaign(tenant, service_sid=service.sid, brand_score=40, rate_limits=limits)
    limit = _limit(tenant, messaging_service_sid=service.sid)
    assert (limit.mps, limit.daily_cap) == (75.0, 2_000)
    assert limit.cap_key == f"brand:{campaign.brand_id}"
    # A local number in that service paces with the same campaign.
    number = PhoneNumberFactory(tenant=tenant, number_type="local", messaging_service=service)
    assert _limit(tenant, from_number=number.phone_number).mps == 75.0


@pytest.mark.parametrize(
    ("brand_type", "score", "cap"),
    [("STANDARD", 80, 200_000), ("STANDARD", 60, 40_000), ("STANDARD", 30, 10_000),
     ("STANDARD", None, 2_000), ("LOW_VOLUME_STANDARD", 0, 2_000),
     ("SOLE_PROPRIETOR", None, 1_000)],
)  # fmt: skip
def test_the_tmobile_cap_follows_the_brands_trust_score(tenant, brand_type, score, cap):
    service = MessagingServiceFactory(tenant=tenant)
    _campaign(tenant, service_sid=service.sid, brand_score=score, brand_type=brand_type)
    limit = _limit(tenant, messaging_service_sid=service.sid)
    assert (limit.mps, limit.daily_cap) == (12.0, cap)


def test_whatsapp_sends_80_per_second_within_its_messaging_limit(tenant):
    sender = WhatsAppSenderFactory(tenant=tenant, messaging_limit="10K Customers/24hr")
    limit = _limit(tenant, channel="whatsapp", from_number=sender.phone_number.phone_number)
    assert (limit.mps, limit.daily_cap) == (80.0, 10_000)


def test_a_long_code_without_a_campaign_sends_1_per_second(tenant):
    number = PhoneNumberFactory(tenant=tenant, number_type="local")
    assert _limit(tenant, from_number=number.phone_number).mps == 1.0


def _spacing(key: str, rate: float, n: int) -> list[float]:
    return [buckets.reserve(key, rate) for _ in range(n)]


def _assert_spaced(delays: list[float], interval: float) -> None:
    """Each slot comes one interval after the previous (less the time the loop took)."""
    assert delays[0] == pytest.approx(0.0, abs=0.05)
    for i, delay in enumerate(delays):
        assert i * interval - 0.25 <= delay <= i * interval + 1e-6


def test_the_database_bucket_spaces_slots_at_the_rate(db, db_buckets):
    _assert_spaced(_spacing("num:+18005550100", 5.0, 6), 0.2)
    assert buckets.backlog_seconds("num:+18005550100") > 0.9


def test_the_redis_bucket_spaces_slots_at_the_rate(db, private_redis):
    _assert_spaced(_spacing("num:+18005550100", 5.0, 6), 0.2)
    assert buckets.backlog_seconds("num:+18005550100") > 0.9
    private_redis.stop()
    private_redis.start()  # a restarted Redis starts the bucket afresh
    assert buckets.backlog_seconds("num:+18005550100") == 0.0


@pytest.mark.parametrize("store", ["db_buckets", "private_redis"])
def test_daily_caps_grant_what_is_left_of_the_day(db, request, store):
    request.getfixturevalue(store)
    assert buckets.take_daily("brand:1", 3, 5) == 3
    assert buckets.take_daily("brand:1", 3, 5) == 2
    assert buckets.take_daily("brand:1", 3, 5) == 0
    assert buckets.reserve("brand:1", 10.0, daily_cap=5) is None
    assert buckets.next_cap_reset() > timezone.now()


def test_a_429_halves_the_senders_rate_for_a_while(tenant, settings, db_buckets):
    settings.BROADCAST_MPS_OVERRIDE = 40
    provisioned = provision_tenant(tenant)
    message = message_send(
        tenant=tenant, to="+16285550111", body="Sale", actor=Actor.system(), origin="broadcast"
    )
    key = pacing.limit_for_message(message).key
    faults.configure(rate_429=1.0, path_pattern="Messages.json")
    try:
        with pytest.raises(gateway.RetryableGatewayError):
            message_dispatch(str(message.pk))
    finally:
        faults.reset()
    assert buckets.effective_rate(key, 40) == 20
    assert provisioned.number.phone_number in key


def test_a_queue_overflow_30001_slows_the_sender_too(tenant, settings, db_buckets):
    settings.BROADCAST_MPS_OVERRIDE = 40
    provision_tenant(tenant)
    message = message_send(
        tenant=tenant, to="+16285550111", body="Sale", actor=Actor.system(), origin="broadcast"
    )
    key = pacing.limit_for_message(message).key
    pacing.note_status_error(str(message.pk), 30001)
    pacing.note_status_error(str(message.pk), 30001)
    assert buckets.effective_rate(key, 40) == 10
    pacing.note_status_error(str(message.pk), 30007)  # other errors change nothing
    assert buckets.effective_rate(key, 40) == 10


def test_a_batch_holds_two_seconds_of_the_senders_rate(
    tenant, settings, db_buckets, django_capture_on_commit_callbacks
):
    settings.BROADCAST_MPS_OVERRIDE = 3
    provisioned = provision_tenant(tenant)
    contacts = consented_contacts(tenant, 8)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    result = dispatcher.broadcast_dispatch(broadcast.pk)
    assert (result.outcome, result.queued) == ("batch", 6)
    assert result.next_in == pytest.approx(1.0, abs=0.2)
    assert Message.objects.filter(broadcast_recipient__broadcast=broadcast).count() == 6


def test_a_used_up_daily_cap_defers_the_rest_to_the_reset(
    tenant, settings, db_buckets, django_capture_on_commit_callbacks
):
    provisioned = provision_tenant(tenant, toll_free=False)
    service = MessagingServiceFactory(tenant=tenant)
    _campaign(tenant, service_sid=service.sid, brand_type="SOLE_PROPRIETOR")
    contacts = consented_contacts(tenant, 4)
    broadcast = sending_broadcast(
        provisioned.tenant,
        contacts,
        django_capture_on_commit_callbacks,
        purpose="transactional",
        messaging_service_sid=service.sid,
    )
    limit = dispatcher.broadcast_sender_limit(broadcast)
    assert limit.daily_cap == 1_000
    buckets.take_daily(limit.cap_key, 1_000, 1_000)
    result = dispatcher.broadcast_dispatch(broadcast.pk)
    assert (result.outcome, result.queued) == ("waiting", 0)
    broadcast.refresh_from_db()
    assert (broadcast.deferred, broadcast.pending, broadcast.sent) == (4, 4, 0)
    waiting = BroadcastRecipient.objects.filter(broadcast=broadcast)
    assert set(waiting.values_list("not_before", flat=True)) == {buckets.next_cap_reset()}
