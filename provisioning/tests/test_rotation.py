"""Auth token rotation: no callback is rejected while a subaccount's token changes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from isvplatform import gateway
from provisioning.accounts import signing_tokens, subaccount_client, subaccount_token_client
from provisioning.numbers import number_buy
from provisioning.reconcile import subaccounts_due_for_rotation
from provisioning.tasks import rotate_due_tokens_task
from provisioning.tokens import subaccount_retire_previous_token, subaccount_rotate_token
from sandbox.clock import advance
from sandbox.core.models import Account as SandboxAccount
from sandbox.core.models import CallbackAttempt
from tenants.models import AuditEvent
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def status_callbacks(sub, number) -> list[CallbackAttempt]:
    """Send one message through the sandbox and let it deliver its status callbacks."""
    seen = set(CallbackAttempt.objects.values_list("pk", flat=True))
    gateway.send_message(
        subaccount_client(sub),
        to="+14155550123",
        from_=number.phone_number,
        body="Your order is ready",
        status_callback=f"{settings.PUBLIC_BASE_URL}/webhooks/twilio/status",
    )
    for _ in range(5):
        advance(30)
    attempts = list(
        CallbackAttempt.objects.exclude(pk__in=seen)
        .filter(callback__account_sid=sub.sid)
        .select_related("callback")
    )
    assert attempts, "the sandbox made no callback"
    return attempts


def verifies(attempt: CallbackAttempt, tokens) -> bool:
    params = MultiValueDict()
    for name, value in attempt.callback.params:
        params.appendlist(name, value)
    return gateway.validate_signature(tokens, attempt.callback.url, params, attempt.signature)


def test_callbacks_signed_with_either_token_verify_during_the_switch(
    tenant, active_sub, monkeypatch
):
    number = number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    old_token = active_sub.auth_token.reveal()
    before = status_callbacks(active_sub, number)

    # Step 1 done (secondary created and stored), then Twilio fails the promotion.
    def outage(client):
        raise gateway.RetryableGatewayError("Twilio is down", code=20500, status=500)

    with monkeypatch.context() as patch:
        patch.setattr(gateway, "promote_secondary_auth_token", outage)
        with pytest.raises(gateway.RetryableGatewayError):
            subaccount_rotate_token(subaccount=active_sub, actor=Actor.system())
    active_sub.refresh_from_db()
    assert active_sub.secondary_auth_token is not None
    assert active_sub.auth_token.reveal() == old_token
    during = status_callbacks(active_sub, number)

    sub = subaccount_rotate_token(subaccount=active_sub, actor=Actor.system())
    new_token = sub.auth_token.reveal()
    assert new_token != old_token
    assert SandboxAccount.objects.get(sid=sub.sid).auth_token.reveal() == new_token
    after = status_callbacks(sub, number)

    switching = signing_tokens(sub.sid)
    for attempt in before + during + after:
        assert verifies(attempt, switching), attempt
    assert not any(verifies(a, ["wrong-token"]) for a in after)

    later = sub.previous_token_valid_until + timedelta(seconds=1)
    subaccount_retire_previous_token(subaccount=sub, now=later)
    settled = signing_tokens(sub.sid)
    assert all(verifies(a, settled) for a in after)
    assert not any(verifies(a, settled) for a in before + during)


def test_the_new_token_works_and_the_old_one_no_longer_does(tenant, active_sub):
    old_token = active_sub.auth_token.reveal()

    sub = subaccount_rotate_token(subaccount=active_sub, actor=Actor.system())

    assert gateway.fetch_account(sub.sid, client=subaccount_token_client(sub)).sid == sub.sid
    with pytest.raises(gateway.AuthenticationError):
        gateway.fetch_account(sub.sid, client=gateway.account_client(sub.sid, old_token))
    assert sub.secondary_auth_token is None
    assert sub.previous_auth_token.reveal() == old_token
    grace = timedelta(minutes=settings.TWILIO_TOKEN_GRACE_MINUTES)
    assert sub.previous_token_valid_until - sub.token_rotated_at == grace
    event = AuditEvent.objects.get(action="subaccount.token_rotated", target_id=str(sub.pk))
    assert old_token not in str(event.changes) and sub.auth_token.reveal() not in str(event.changes)


def test_a_rotation_that_died_after_promoting_resumes(tenant, active_sub):
    # An earlier run created and promoted the secondary, then died before saving the switch.
    client = subaccount_token_client(active_sub)
    secondary = gateway.create_secondary_auth_token(client)
    active_sub.secondary_auth_token = secondary
    active_sub.save()
    gateway.promote_secondary_auth_token(client)

    sub = subaccount_rotate_token(subaccount=active_sub, actor=Actor.system())

    assert sub.auth_token == secondary
    assert SandboxAccount.objects.get(sid=sub.sid).auth_token == secondary
    assert sub.secondary_auth_token is None


def test_scheduled_rotation_picks_old_tokens(tenant, active_sub, settings):
    settings.TWILIO_TOKEN_ROTATION_DAYS = 30
    assert list(subaccounts_due_for_rotation()) == []
    type(active_sub).objects.filter(pk=active_sub.pk).update(
        activated_at=timezone.now() - timedelta(days=31)
    )
    old_token = active_sub.auth_token.reveal()

    assert rotate_due_tokens_task.delay().get() == 1

    active_sub.refresh_from_db()
    assert active_sub.auth_token.reveal() != old_token
    assert list(subaccounts_due_for_rotation()) == []


def test_no_schedule_when_rotation_days_is_zero(tenant, active_sub, settings):
    settings.TWILIO_TOKEN_ROTATION_DAYS = 0
    type(active_sub).objects.filter(pk=active_sub.pk).update(
        activated_at=timezone.now() - timedelta(days=3650)
    )
    assert list(subaccounts_due_for_rotation()) == []
