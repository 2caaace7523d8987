"""Provisioning a tenant's subaccount through the gateway into the sandbox."""

import pytest
from django.db import connection

from isvplatform import gateway
from provisioning.models import TwilioSubaccount
from provisioning.services import (
    subaccount_friendly_name,
    subaccount_provision,
    subaccount_request,
)
from provisioning.tasks import provision_subaccount_task
from sandbox import faults
from sandbox.core.models import Account as SandboxAccount
from tenants.models import AuditEvent
from tenants.services import Actor

pytestmark = pytest.mark.django_db
Status = TwilioSubaccount.Status


def sandbox_accounts(name: str):
    return SandboxAccount.objects.filter(friendly_name=name)


def test_provisioning_creates_an_active_subaccount(tenant, provision):
    sub = provision(tenant)

    assert sub.status == Status.ACTIVE
    assert sub.activated_at is not None
    twilio = sandbox_accounts(subaccount_friendly_name(tenant)).get()
    assert twilio.sid == sub.sid
    assert twilio.owner is not None and twilio.status == "active"
    assert sub.auth_token == twilio.auth_token
    actions = set(AuditEvent.objects.for_tenant(tenant).values_list("action", flat=True))
    assert {"subaccount.requested", "subaccount.created", "subaccount.active"} <= actions


def test_the_friendly_name_is_tagged_with_the_tenant_id(tenant):
    assert f"[tenant {tenant.pk}]" in subaccount_friendly_name(tenant)


def test_running_provisioning_again_creates_nothing_more(tenant, provision):
    sub = provision(tenant)
    TwilioSubaccount.objects.filter(pk=sub.pk).update(status=Status.PROVISIONING)

    again = subaccount_provision(str(sub.pk))
    provision_subaccount_task.delay(str(sub.pk))

    assert again.status == Status.ACTIVE
    assert again.sid == sub.sid
    assert sandbox_accounts(sub.friendly_name).count() == 1
    assert TwilioSubaccount.objects.filter(tenant=tenant).count() == 1


def test_an_account_created_by_a_crashed_attempt_is_adopted(tenant):
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    # An earlier run created the account and died before recording the SID.
    orphan = gateway.create_subaccount(sub.friendly_name)

    sub = subaccount_provision(str(sub.pk))

    assert sub.sid == orphan.sid
    assert sub.status == Status.ACTIVE
    assert sandbox_accounts(sub.friendly_name).count() == 1
    assert AuditEvent.objects.filter(action="subaccount.adopted", target_id=str(sub.pk)).exists()


def test_requesting_twice_keeps_one_open_subaccount(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = subaccount_request(tenant=tenant, actor=Actor.system())
    with django_capture_on_commit_callbacks(execute=True):
        second = subaccount_request(tenant=tenant, actor=Actor.system())

    assert first.pk == second.pk
    assert TwilioSubaccount.objects.get(pk=first.pk).status == Status.ACTIVE
    assert sandbox_accounts(first.friendly_name).count() == 1


def test_injected_429s_and_500s_still_end_active(
    tenant, eager_retries, django_capture_on_commit_callbacks
):
    faults.configure(rate_429=0.5, rate_500=0.4, seed=7, path_pattern=r"/Accounts")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sub = subaccount_request(tenant=tenant, actor=Actor.system())
    finally:
        faults.reset()

    sub.refresh_from_db()
    assert sub.status == Status.ACTIVE, sub.last_error_message
    assert sandbox_accounts(sub.friendly_name).count() == 1
    assert sub.attempts >= 1


def test_a_twilio_outage_that_outlasts_the_retries_ends_failed(
    tenant, eager_retries, django_capture_on_commit_callbacks
):
    faults.configure(rate_500=1.0, path_pattern=r"/Accounts")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sub = subaccount_request(tenant=tenant, actor=Actor.system())
    finally:
        faults.reset()

    sub.refresh_from_db()
    assert sub.status == Status.FAILED
    assert sub.last_error_code == 20500
    assert sub.attempts == provision_subaccount_task.max_retries + 1
    assert not sandbox_accounts(sub.friendly_name).exists()


def test_a_permanent_error_fails_with_the_twilio_code_and_can_be_retried(
    tenant, settings, django_capture_on_commit_callbacks
):
    good_token = settings.TWILIO_AUTH_TOKEN
    assert gateway.find_subaccount_by_friendly_name("nobody") is None  # the master exists
    settings.TWILIO_AUTH_TOKEN = "not-the-master-token"
    with django_capture_on_commit_callbacks(execute=True):
        sub = subaccount_request(tenant=tenant, actor=Actor.system())
    sub.refresh_from_db()

    assert sub.status == Status.FAILED
    assert sub.last_error_code == 20003
    assert "credentials" in sub.last_error_message
    assert sub.attempts == 1
    assert AuditEvent.objects.filter(action="subaccount.failed", target_id=str(sub.pk)).exists()

    settings.TWILIO_AUTH_TOKEN = good_token
    with django_capture_on_commit_callbacks(execute=True):
        retried = subaccount_request(tenant=tenant, actor=Actor.system())
    retried.refresh_from_db()
    assert retried.pk == sub.pk
    assert retried.status == Status.ACTIVE
    assert retried.last_error_code is None
    assert AuditEvent.objects.filter(action="subaccount.retry", target_id=str(sub.pk)).exists()


def test_the_auth_token_is_never_stored_in_plaintext(tenant, provision):
    sub = provision(tenant)
    token = sub.auth_token.reveal()
    sub.previous_auth_token = "previous-" + token
    sub.save()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT auth_token, previous_auth_token FROM provisioning_twiliosubaccount "
            "WHERE id = %s",
            [sub.pk.hex if connection.vendor == "sqlite" else sub.pk],
        )
        stored, previous = cursor.fetchone()
    assert stored and token not in stored
    assert previous and token not in previous
    assert stored.startswith("v1:")
    assert token not in repr(sub) and token not in str(sub)
