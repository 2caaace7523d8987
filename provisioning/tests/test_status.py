"""Suspend, reactivate and close reach Twilio's account status; closed means closed."""

import pytest
from django.core.exceptions import ValidationError

from provisioning.accounts import NoTwilioAccount, sending_mode, tenant_account
from provisioning.errors import ProvisioningConflict
from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.numbers import number_buy, number_search
from provisioning.services import subaccount_request
from provisioning.suspension import subaccount_close, subaccount_reactivate, subaccount_suspend
from sandbox.core.models import Account as SandboxAccount
from sandbox.resources.phone_numbers.models import PhoneNumber as SandboxNumber
from tenants.models import AuditEvent, Tenant
from tenants.services import Actor, tenant_set_status

pytestmark = pytest.mark.django_db
Status = TwilioSubaccount.Status


def twilio_status(sub) -> str:
    return SandboxAccount.objects.get(sid=sub.sid).status


def test_suspend_and_reactivate_reach_the_sandbox(tenant, active_sub):
    sub = subaccount_suspend(subaccount=active_sub, actor=Actor.system(), reason="abuse report")
    assert sub.status == Status.SUSPENDED
    assert twilio_status(sub) == "suspended"
    assert sub.suspension_source == TwilioSubaccount.SuspensionSource.STAFF
    with pytest.raises(NoTwilioAccount):
        tenant_account(tenant)

    sub = subaccount_reactivate(subaccount=sub, actor=Actor.system())
    assert sub.status == Status.ACTIVE
    assert twilio_status(sub) == "active"
    assert tenant_account(tenant).account_sid == sub.sid
    actions = list(
        AuditEvent.objects.filter(target_id=str(sub.pk)).values_list("action", flat=True)
    )
    assert "subaccount.suspended" in actions and "subaccount.reactivated" in actions


def test_close_releases_numbers_first_then_closes_for_good(tenant, active_sub):
    first = number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    second = number_buy(tenant=tenant, actor=Actor.system(), area_code="212")
    assert SandboxNumber.objects.filter(account__sid=active_sub.sid).count() == 2

    with pytest.raises(ValidationError):
        subaccount_close(subaccount=active_sub, actor=Actor.system(), confirmed=False)
    assert twilio_status(active_sub) == "active"

    sub = subaccount_close(subaccount=active_sub, actor=Actor.system(), confirmed=True)

    assert sub.status == Status.CLOSED and sub.closed_at is not None
    assert twilio_status(sub) == "closed"
    assert not SandboxNumber.objects.filter(
        phone_number__in=[first.phone_number, second.phone_number]
    ).exists()
    assert set(PhoneNumber.objects.for_tenant(tenant).values_list("status", flat=True)) == {
        PhoneNumber.Status.RELEASED
    }
    assert sub.auth_token is None
    with pytest.raises(ProvisioningConflict):
        subaccount_reactivate(subaccount=sub, actor=Actor.system())


def test_a_suspended_subaccount_can_be_closed(tenant, active_sub):
    number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    sub = subaccount_suspend(subaccount=active_sub, actor=Actor.system())

    sub = subaccount_close(subaccount=sub, actor=Actor.system(), confirmed=True)

    assert twilio_status(sub) == "closed"
    assert not SandboxNumber.objects.filter(account__sid=sub.sid).exists()


def test_after_closing_the_tenant_cant_buy_or_send(tenant, active_sub):
    subaccount_close(subaccount=active_sub, actor=Actor.system(), confirmed=True)

    with pytest.raises(ProvisioningConflict) as err:
        number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    assert err.value.code == "subaccount_not_active"
    with pytest.raises(NoTwilioAccount):
        tenant_account(tenant)
    assert sending_mode(tenant).mode == "blocked"


def test_a_closed_tenant_cant_buy_send_or_provision(tenant, active_sub):
    tenant_set_status(tenant=tenant, status=Tenant.Status.CLOSED, actor=Actor.system())
    tenant.refresh_from_db()

    with pytest.raises(ProvisioningConflict):
        number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    with pytest.raises(ProvisioningConflict):
        number_search(tenant=tenant, area_code="415")
    with pytest.raises(NoTwilioAccount):
        tenant_account(tenant)
    with pytest.raises(ProvisioningConflict):
        subaccount_request(tenant=tenant, actor=Actor.system())
    assert not PhoneNumber.objects.for_tenant(tenant).exists()


def test_only_an_active_subaccount_can_be_suspended(tenant):
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    with pytest.raises(ProvisioningConflict):
        subaccount_suspend(subaccount=sub, actor=Actor.system())


def test_master_fallback_sends_through_the_master_account(tenant, settings):
    settings.TWILIO_MASTER_FALLBACK = True
    account = tenant_account(tenant)
    assert account.via_master and account.account_sid == settings.TWILIO_ACCOUNT_SID
    assert sending_mode(tenant).mode == "master"

    settings.TWILIO_MASTER_FALLBACK = False
    with pytest.raises(NoTwilioAccount, match="No active Twilio subaccount"):
        tenant_account(tenant)
    assert sending_mode(tenant).mode == "blocked"


def test_fallback_never_covers_a_suspended_subaccount(tenant, active_sub, settings):
    settings.TWILIO_MASTER_FALLBACK = True
    subaccount_suspend(subaccount=active_sub, actor=Actor.system())
    with pytest.raises(NoTwilioAccount):
        tenant_account(tenant)
