"""Spending limits against the real sandbox: a limit becomes two Usage Triggers there, real
sends make the sandbox fire them, the signed callback reaches the webhook, the warning and
the hard cap follow (emails, the next send refused before Twilio, the broadcast paused), and
a staff lift lets sending go on."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client

from billing.models import UsageLimit, UsageLimitEvent, UsageLimitTrigger
from billing.services.limit_events import limit_reached
from billing.services.limits import (
    limit_delete,
    limit_lift,
    limit_save,
    limit_sync,
    limits_check,
    sending_stopped,
)
from billing.tests.factories import UsageLimitFactory
from broadcasts import dispatcher
from broadcasts.models import Broadcast
from broadcasts.tests.factories_dispatch import consented_contacts, sending_broadcast
from messaging.models import Message
from messaging.services import SendRefused, message_send
from messaging.tests.conftest import HANDSET, advance, provision_tenant, sandbox_messages_to
from messaging.tests.conftest import signed_post as post_signed
from sandbox import faults
from sandbox.resources.usage.models import UsageTrigger as SandboxTrigger
from sandbox.resources.verifications.models import Verification as SandboxVerification
from tenants.models import AuditEvent, Membership
from tenants.services import Actor
from tenants.tests.factories import MembershipFactory, TenantFactory, UserFactory
from verify.errors import VerifyRefused
from verify.services import start_verification
from verify.tests.conftest import switch_on

pytestmark = pytest.mark.django_db
PATH = "/webhooks/twilio/usage-trigger"
Level, Measure, Period = UsageLimit.Level, UsageLimit.Measure, UsageLimit.Period


@pytest.fixture(autouse=True)
def _unpaced(settings):
    settings.BROADCAST_PACING = False
    settings.BILLING_STAFF_EMAILS = []
    yield
    faults.reset()


@pytest.fixture
def provisioned(tenant):
    return provision_tenant(tenant)


@pytest.fixture
def people(tenant):
    owner = MembershipFactory(
        tenant=tenant, role=Membership.Role.OWNER, user__email="owner@shop.example"
    ).user
    staff = UserFactory(is_staff=True, email="staff@vendor.example")
    return Actor(user=owner), Actor(user=staff)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run `fn` with its on-commit work (eager tasks, sends, callbacks) executed."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _send(committed, tenant, body="hello"):
    return committed(message_send, tenant=tenant, to=HANDSET, body=body, actor=Actor.system())


def _tick(committed, rounds=3):
    for _ in range(rounds):
        committed(advance, 10)


def _hard_count_limit(committed, tenant, actor, value=5):
    return committed(
        limit_save,
        tenant=tenant,
        actor=actor,
        level=Level.HARD,
        measure=Measure.COUNT,
        category="sms-outbound",
        period=Period.MONTHLY,
        value=value,
    )


def _callback_params(trigger: SandboxTrigger, current: str) -> dict:
    return {
        "AccountSid": trigger.account.sid,
        "UsageTriggerSid": trigger.sid,
        "DateFired": "Tue, 01 Dec 2026 12:00:00 +0000",
        "Recurring": trigger.recurring,
        "UsageCategory": trigger.usage_category,
        "TriggerBy": trigger.trigger_by,
        "TriggerValue": str(trigger.trigger_value),
        "CurrentValue": current,
        "IdempotencyToken": f"{trigger.sid}-x",
    }


def test_a_limit_is_two_triggers_at_the_sandbox_recreated_on_change_and_gone_on_delete(
    provisioned, people, committed, settings
):
    owner, _ = people
    limit = _hard_count_limit(committed, provisioned.tenant, owner)
    limit.refresh_from_db()
    assert limit.sync_status == UsageLimit.SyncStatus.SYNCED, limit.last_error
    at_twilio = SandboxTrigger.objects.filter(account__sid=provisioned.sub.sid)
    shape = {(t.trigger_value, t.recurring, t.trigger_by, t.usage_category) for t in at_twilio}
    assert shape == {
        (Decimal(4), "monthly", "count", "sms-outbound"),
        (Decimal(5), "monthly", "count", "sms-outbound"),
    }
    assert {t.callback_url for t in at_twilio} == {f"{settings.PUBLIC_BASE_URL}{PATH}"}
    rows = {t.percent: t.sid for t in UsageLimitTrigger.objects.filter(limit=limit)}
    assert set(rows.values()) == set(at_twilio.values_list("sid", flat=True))

    committed(
        limit_save,
        tenant=provisioned.tenant,
        actor=owner,
        level=Level.HARD,
        measure=Measure.SPEND,
        period=Period.DAILY,
        value="12.50",
        limit=limit,
    )
    limit.refresh_from_db()
    assert limit.sync_status == UsageLimit.SyncStatus.SYNCED
    at_twilio = SandboxTrigger.objects.filter(account__sid=provisioned.sub.sid)
    assert {(t.trigger_value, t.recurring, t.trigger_by) for t in at_twilio} == {
        (Decimal(10), "daily", "price"),
        (Decimal("12.5"), "daily", "price"),
    }
    assert not set(rows.values()) & set(at_twilio.values_list("sid", flat=True))

    committed(limit_delete, limit=limit, actor=owner)
    assert not SandboxTrigger.objects.filter(account__sid=provisioned.sub.sid).exists()
    assert not UsageLimit.objects.filter(pk=limit.pk).exists()
    actions = AuditEvent.objects.filter(tenant=provisioned.tenant, action__startswith="billing.")
    assert sorted(actions.values_list("action", flat=True)) == [
        "billing.limit_deleted",
        "billing.limit_set",
        "billing.limit_set",
    ]


def test_a_trigger_created_by_a_sync_that_died_is_swept_by_the_next(provisioned, people, committed):
    owner, _ = people
    limit = _hard_count_limit(committed, provisioned.tenant, owner)
    lost = UsageLimitTrigger.objects.get(limit=limit, percent=80)
    lost.delete()  # Twilio has it; the row recording it never committed
    limit.sync_status = UsageLimit.SyncStatus.PENDING
    limit.save()
    assert limit_sync(limit.pk) == "synced"
    at_twilio = set(
        SandboxTrigger.objects.filter(account__sid=provisioned.sub.sid).values_list(
            "sid", flat=True
        )
    )
    assert lost.sid not in at_twilio
    assert at_twilio == set(
        UsageLimitTrigger.objects.filter(limit=limit).values_list("sid", flat=True)
    )
    assert len(at_twilio) == 2


def test_warning_then_hard_cap_then_staff_lift(
    provisioned, people, committed, django_capture_on_commit_callbacks
):
    owner, staff = people
    tenant = provisioned.tenant
    limit = _hard_count_limit(committed, tenant, owner)
    for i in range(4):
        _send(committed, tenant, f"one of four {i}")
    _tick(committed)
    warning = UsageLimitEvent.objects.get(limit=limit)
    assert (warning.percent, warning.source) == (80, "callback")
    assert warning.current_value == Decimal(4) and warning.emailed_at is not None
    limit.refresh_from_db()
    assert limit.warned_at is not None and limit.reached_at is None
    assert sending_stopped(tenant) is None
    (email,) = mail.outbox
    assert set(email.to) == {"owner@shop.example", "staff@vendor.example"}
    assert "80%" in email.subject and "hard limit of 5 Outbound SMS per month" in email.body

    contacts = consented_contacts(tenant, 3)
    broadcast = sending_broadcast(
        tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    _send(committed, tenant, "the fifth")
    _tick(committed)
    reached = UsageLimitEvent.objects.get(limit=limit, percent=100)
    assert reached.source == "callback"
    assert sending_stopped(tenant) == limit
    assert "sending stopped" in mail.outbox[-1].subject
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.pause_reason) == ("paused", "spending_limit")

    stored, at_twilio = Message.objects.count(), sandbox_messages_to(HANDSET).count()
    with pytest.raises(SendRefused) as refused:
        _send(committed, tenant, "the sixth")
    assert refused.value.reason == "spending_limit_reached"
    assert "hard limit of 5 Outbound SMS per month is reached" in refused.value.reason_message
    _tick(committed, rounds=1)
    assert (Message.objects.count(), sandbox_messages_to(HANDSET).count()) == (stored, at_twilio)
    assert dispatcher.broadcast_dispatch(broadcast.pk).outcome == "not_sending"

    with pytest.raises(PermissionDenied):
        limit_lift(limit=limit, actor=owner, reason="please")
    committed(limit_lift, limit=limit, actor=staff, reason="Paid the invoice")
    assert sending_stopped(tenant) is None
    broadcast.refresh_from_db()  # resumed, and its dispatcher ran (eager tasks)
    assert (broadcast.status, broadcast.sent, broadcast.skipped) == ("completed", 3, 0)
    message = _send(committed, tenant, "after the lift")
    assert message.pk and Message.objects.count() == stored + 4
    lifted = AuditEvent.objects.get(tenant=tenant, action="billing.limit_lifted")
    assert lifted.actor_user == staff.user and lifted.changes["reason"] == "Paid the invoice"


def test_a_broadcast_running_into_a_reached_limit_pauses_instead_of_skipping(
    provisioned, people, committed, django_capture_on_commit_callbacks
):
    owner, _ = people
    tenant = provisioned.tenant
    limit = _hard_count_limit(committed, tenant, owner, value=1)
    _send(committed, tenant)
    _tick(committed)
    assert sending_stopped(tenant) == limit
    contacts = consented_contacts(tenant, 2)
    broadcast = sending_broadcast(
        tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    assert committed(dispatcher.broadcast_dispatch, broadcast.pk).outcome == "paused"
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.pause_reason) == ("paused", "spending_limit")
    assert (broadcast.pending, broadcast.skipped) == (2, 0)
    assert not Message.objects.filter(origin="broadcast").exists()


def test_a_replayed_callback_is_one_event_and_a_forged_one_changes_nothing(
    provisioned, people, committed
):
    owner, _ = people
    other = provision_tenant(TenantFactory())
    limit = _hard_count_limit(committed, provisioned.tenant, owner, value=2)
    trigger = SandboxTrigger.objects.get(account__sid=provisioned.sub.sid, trigger_value="1.6")
    params = _callback_params(trigger, "2")

    forged = post_signed(Client(), PATH, params, other.token)
    assert forged.status_code == 403
    params_other = {**params, "AccountSid": other.sub.sid}
    assert post_signed(Client(), PATH, params_other, other.token).status_code == 403
    assert post_signed(Client(), PATH, params, "x", signature="bad").status_code == 403
    assert not UsageLimitEvent.objects.exists()

    for _ in range(2):
        response = committed(post_signed, Client(), PATH, params, provisioned.token)
        assert response.status_code == 204
    assert UsageLimitEvent.objects.filter(limit=limit, percent=80).count() == 1
    assert len(mail.outbox) == 1

    with faults.injected(duplicate_callbacks=1.0):
        _send(committed, provisioned.tenant, "a")
        _send(committed, provisioned.tenant, "b")
        _tick(committed)
    assert UsageLimitEvent.objects.filter(limit=limit).count() == 2
    assert UsageLimitEvent.objects.filter(limit=limit, percent=100).count() == 1
    assert sending_stopped(provisioned.tenant) == limit
    assert len(mail.outbox) == 2


def test_a_missed_callback_is_found_by_the_periodic_check(provisioned, people, committed):
    owner, _ = people
    limit = _hard_count_limit(committed, provisioned.tenant, owner, value=2)
    with faults.injected(drop_callbacks=1.0):
        _send(committed, provisioned.tenant, "a")
        _send(committed, provisioned.tenant, "b")
        _tick(committed)
    assert not UsageLimitEvent.objects.exists()
    assert committed(limits_check) == 2
    events = UsageLimitEvent.objects.filter(limit=limit)
    assert sorted(events.values_list("percent", "source")) == [(80, "check"), (100, "check")]
    assert sending_stopped(provisioned.tenant) == limit
    assert committed(limits_check) == 0


def test_the_api_answers_the_refusal_with_a_402_naming_the_limit(
    provisioned, people, committed, member_client
):
    owner, _ = people
    owner_api = member_client(role=Membership.Role.OWNER)
    _hard_count_limit(committed, provisioned.tenant, owner, value=1)
    _send(committed, provisioned.tenant)
    _tick(committed)
    stored = Message.objects.count()
    response = owner_api.post("/api/v1/messages", {"to": HANDSET, "body": "more"}, format="json")
    assert response.status_code == 402, response.content
    error = response.json()["error"]
    assert error["code"] == "spending_limit_reached"
    assert "hard limit of 1 Outbound SMS per month" in error["message"]
    assert Message.objects.count() == stored
    assert Broadcast.objects.count() == 0


def test_a_hard_limit_on_verify_refuses_new_verifications_before_twilio(
    tenant, owner, django_capture_on_commit_callbacks
):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    switch_on(tenant, run)
    limit = UsageLimitFactory(
        tenant=tenant, measure=Measure.COUNT, category="verify-sms", value=3, sync_status="synced"
    )
    limit_reached(limit=limit, percent=100, source="check")
    with pytest.raises(VerifyRefused) as err:
        start_verification(tenant, to="+14155550103", channel="sms")
    assert (err.value.code, err.value.status) == ("spending_limit_reached", 402)
    assert "hard limit of 3 Verify by SMS per month" in err.value.message
    assert not SandboxVerification.objects.exists()
    limit_lift(limit=limit, actor=Actor(user=UserFactory(is_staff=True)), reason="Paid")
    assert start_verification(tenant, to="+14155550103", channel="sms").twilio_sid
