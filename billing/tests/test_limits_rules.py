"""The rules of spending limits without Twilio: what `limit_save` accepts, who may change,
delete or lift a limit, once-per-period events, and the send verdict and its cache."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from billing import periods
from billing.models import UsageLimit, UsageLimitEvent, UsageLimitTrigger
from billing.services import limit_events
from billing.services.limit_events import current_key, limit_reached, tenant_stops
from billing.services.limit_sync import LimitSyncError
from billing.services.limits import (
    limit_admission,
    limit_delete,
    limit_lift,
    limit_save,
    limit_sync,
    sending_stopped,
)
from billing.tests.factories import UsageLimitFactory
from broadcasts.models import Broadcast
from broadcasts.tests.factories import BroadcastFactory
from provisioning.accounts import NoTwilioAccount
from tenants.models import AuditEvent
from tenants.services import Actor
from tenants.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Level, Measure, Period = UsageLimit.Level, UsageLimit.Measure, UsageLimit.Period


@pytest.fixture
def owner_actor(owner):
    return Actor(user=owner)


@pytest.fixture
def staff_actor(db):
    return Actor(user=UserFactory(is_staff=True))


def save(tenant, actor, **kwargs):
    fields = {"level": Level.HARD, "measure": Measure.SPEND, "period": Period.MONTHLY}
    return limit_save(tenant=tenant, actor=actor, **{**fields, "value": "50", **kwargs})


def reached(limit, percent=100):
    limit.state_period = current_key(limit)
    limit.reached_at = timezone.now() if percent == 100 else None
    limit.warned_at = timezone.now()
    limit.save()
    return limit


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": "0"}, "value"),
        ({"value": "-3"}, "value"),
        ({"value": "abc"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"value": "1000001"}, "value"),
        ({"value": "1.23456"}, "value"),
        ({"measure": "count", "category": "sms-outbound", "value": "2.5"}, "value"),
        ({"category": "sms-outbound"}, "category"),
        ({"measure": "count"}, "category"),
        ({"measure": "count", "category": "sms"}, "category"),
        ({"level": "medium"}, "level"),
        ({"measure": "minutes"}, "measure"),
        ({"period": "weekly"}, "period"),
    ],
)
def test_bad_input_is_refused_naming_the_field(tenant, owner_actor, kwargs, field):
    with pytest.raises(ValidationError) as err:
        save(tenant, owner_actor, **kwargs)
    assert field in err.value.message_dict
    assert not UsageLimit.objects.exists()


def test_a_save_is_audited_pending_and_synced_on_commit(
    tenant, owner_actor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        limit = save(tenant, owner_actor, value="25.50")
    assert (limit.value, limit.category, limit.sync_status) == (
        Decimal("25.50"),
        "totalprice",
        "pending",
    )
    assert callbacks, "the sync is enqueued on commit"
    audit = AuditEvent.objects.get(action="billing.limit_set")
    assert audit.changes["value"] == "25.50" and audit.actor_user == owner_actor.user
    assert limit.created_by == owner_actor.user


def test_one_limit_per_shape_and_soft_below_hard(tenant, owner_actor):
    hard = save(tenant, owner_actor, value="10")
    with pytest.raises(ValidationError) as err:
        save(tenant, owner_actor, value="20")
    assert "level" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        save(tenant, owner_actor, level=Level.SOFT, value="10")
    assert "value" in err.value.message_dict
    soft = save(tenant, owner_actor, level=Level.SOFT, value="8")
    with pytest.raises(ValidationError) as err:
        save(tenant, owner_actor, value="8", limit=hard)
    assert "value" in err.value.message_dict
    daily_soft = save(tenant, owner_actor, level=Level.SOFT, period=Period.DAILY, value="30")
    assert {soft.pk, daily_soft.pk, hard.pk} == set(UsageLimit.objects.values_list("pk", flat=True))


def test_a_staff_set_limit_is_not_the_tenants_to_change_or_delete(tenant, owner_actor, staff_actor):
    with pytest.raises(PermissionDenied):
        save(tenant, owner_actor, by_staff=True)
    limit = save(tenant, staff_actor, by_staff=True)
    assert limit.set_by_staff
    with pytest.raises(PermissionDenied):
        save(tenant, owner_actor, value="500", limit=limit)
    with pytest.raises(PermissionDenied):
        limit_delete(limit=limit, actor=owner_actor)
    limit.refresh_from_db()
    assert (limit.value, limit.sync_status) == (Decimal(50), "pending")
    save(tenant, staff_actor, value="60", limit=limit, by_staff=True)
    limit_delete(limit=limit, actor=staff_actor)
    limit.refresh_from_db()
    assert limit.sync_status == "deleting"
    assert AuditEvent.objects.filter(action="billing.limit_deleted").count() == 1


def test_another_tenants_limit_cannot_be_saved_through_this_one(tenant, other_tenant, owner_actor):
    theirs = UsageLimitFactory(tenant=other_tenant)
    with pytest.raises(ValidationError) as err:
        save(tenant, owner_actor, value="5", limit=theirs)
    assert "limit" in err.value.message_dict
    theirs.refresh_from_db()
    assert theirs.value == Decimal(50)


def test_a_changed_value_starts_the_period_afresh(tenant, owner_actor):
    limit = reached(save(tenant, owner_actor))
    UsageLimitEvent.objects.create(
        tenant=tenant, limit=limit, percent=100, period_key=current_key(limit), source="check"
    )
    assert sending_stopped(tenant) == limit
    save(tenant, owner_actor, value="80", limit=limit)
    limit.refresh_from_db()
    assert (limit.reached_at, limit.state_period) == (None, "")
    assert not UsageLimitEvent.objects.filter(limit=limit).exists()
    assert sending_stopped(tenant) is None


def test_reaching_is_recorded_once_per_period_and_a_new_period_starts_clean(tenant):
    limit = UsageLimitFactory(tenant=tenant, sync_status="synced")
    first = limit_reached(limit=limit, percent=100, source="callback", current_value=Decimal(51))
    assert first is not None and first.period_key == periods.period_key(periods.today())
    assert limit_reached(limit=limit, percent=100, source="check") is None
    assert sending_stopped(tenant) == limit
    UsageLimit.objects.filter(pk=limit.pk).update(state_period="2020-01")
    UsageLimitEvent.objects.filter(pk=first.pk).update(period_key="2020-01")
    limit_events.forget_stops(tenant.pk)  # a queryset update sends no signal
    limit.refresh_from_db()
    assert sending_stopped(tenant) is None  # last period's state stops nothing
    again = limit_reached(limit=limit, percent=80, source="check")
    assert again is not None
    limit.refresh_from_db()
    assert (limit.state_period, limit.reached_at) == (current_key(limit), None)
    with pytest.raises(ValueError):
        limit_reached(limit=limit, percent=50, source="check")


def test_a_limit_being_deleted_records_nothing_and_stops_nothing(tenant):
    limit = reached(UsageLimitFactory(tenant=tenant, sync_status="deleting"))
    assert limit_reached(limit=limit, percent=100, source="callback") is None
    assert sending_stopped(tenant) is None


def test_only_staff_lift_with_a_reason_and_only_for_this_period(tenant, owner_actor, staff_actor):
    limit = reached(UsageLimitFactory(tenant=tenant))
    with pytest.raises(PermissionDenied):
        limit_lift(limit=limit, actor=owner_actor, reason="I paid")
    with pytest.raises(ValidationError) as err:
        limit_lift(limit=limit, actor=staff_actor, reason="  ")
    assert "reason" in err.value.message_dict
    soft = UsageLimitFactory(tenant=tenant, level=Level.SOFT, value=10)
    with pytest.raises(ValidationError):
        limit_lift(limit=soft, actor=staff_actor, reason="why not")
    assert sending_stopped(tenant) == limit
    lifted = limit_lift(limit=limit, actor=staff_actor, reason="Invoice paid")
    assert (lifted.lifted_period, lifted.lift_reason) == (current_key(limit), "Invoice paid")
    assert lifted.lifted_by == staff_actor.user
    assert sending_stopped(tenant) is None
    UsageLimit.objects.filter(pk=limit.pk).update(lifted_period="2020-01")
    limit_events.forget_stops(tenant.pk)
    assert sending_stopped(tenant) == limit  # a lift from another period lifts nothing now
    audit = AuditEvent.objects.get(action="billing.limit_lifted")
    assert audit.changes == {"period": current_key(limit), "reason": "Invoice paid"}


def test_a_spend_limit_stops_every_channel_and_a_count_limit_its_own(tenant, other_tenant):
    count = reached(
        UsageLimitFactory(tenant=tenant, measure=Measure.COUNT, category="sms-outbound", value=5)
    )
    refused = limit_admission(tenant, channel="sms", count=3, origin="api")
    assert refused.granted == 0 and refused.refusal.reason == "spending_limit_reached"
    assert "hard limit of 5 Outbound SMS per month is reached" in refused.refusal.reason_message
    assert "sending resumes on " + periods.next_period_start(periods.today()).isoformat() in (
        refused.refusal.reason_message
    )
    for channel in ("whatsapp", "email", "verify"):
        assert limit_admission(tenant, channel=channel, count=3, origin="api").granted == 3
    reached(UsageLimitFactory(tenant=tenant, value=Decimal("50")))
    for channel in ("whatsapp", "email", "verify"):
        admission = limit_admission(tenant, channel=channel, count=1, origin="broadcast")
        assert admission.granted == 0
        assert "hard limit of 50.00 USD spend per month" in admission.refusal.reason_message
    assert limit_admission(other_tenant, channel="sms", count=2, origin="api").granted == 2
    assert count.pk in {stop.limit_id for stop in tenant_stops(tenant)}


def test_the_verdict_is_cached_and_forgotten_on_every_change(
    tenant, staff_actor, settings, django_assert_num_queries
):
    settings.BILLING_LIMIT_CACHE_SECONDS = 30
    limit = UsageLimitFactory(tenant=tenant, sync_status="synced")

    def admitted() -> int:
        return limit_admission(tenant, channel="sms", count=1, origin="api").granted

    assert admitted() == 1
    with django_assert_num_queries(0):
        assert admitted() == 1
    limit_reached(limit=limit, percent=100, source="callback")
    assert admitted() == 0
    limit_lift(limit=limit, actor=staff_actor, reason="Paid")
    assert admitted() == 1
    UsageLimitFactory(tenant=tenant, level=Level.HARD, period=Period.DAILY, value=5)
    reached(UsageLimit.objects.get(tenant=tenant, period=Period.DAILY))  # a plain save
    assert admitted() == 0
    UsageLimit.objects.filter(tenant=tenant, period=Period.DAILY).update(reached_at=None)
    assert admitted() == 0  # a queryset update is seen once the entry expires
    tenant.created_at = tenant.created_at.replace(year=2020)  # another tenant, same id
    assert admitted() == 1


def test_a_lift_resumes_only_the_broadcasts_the_limit_paused(tenant, staff_actor):
    limit = reached(UsageLimitFactory(tenant=tenant))
    by_limit = BroadcastFactory(tenant=tenant, status="paused", pause_reason="spending_limit")
    by_person = BroadcastFactory(tenant=tenant, status="paused", pause_reason="manual")
    limit_lift(limit=limit, actor=staff_actor, reason="Paid")
    statuses = dict(Broadcast.objects.values_list("pk", "status"))
    assert (statuses[by_limit.pk], statuses[by_person.pk]) == ("sending", "paused")


def test_a_sync_without_a_subaccount_fails_with_the_reason_and_never_uses_the_master(
    tenant, settings
):
    limit = UsageLimitFactory(tenant=tenant)
    with pytest.raises(NoTwilioAccount):
        limit_sync(limit.pk)
    limit.refresh_from_db()
    assert limit.sync_status == "failed" and "subaccount" in limit.last_error
    assert not limit.is_claimed
    settings.TWILIO_MASTER_FALLBACK = True
    with pytest.raises(LimitSyncError):
        limit_sync(limit.pk)
    limit.refresh_from_db()
    assert limit.sync_status == "failed" and "master account" in limit.last_error
    assert not UsageLimitTrigger.objects.exists()
