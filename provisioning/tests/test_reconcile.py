"""The periodic reconcile: status drift, numbers changed outside, stuck provisioning."""

from datetime import timedelta

import pytest
from django.utils import timezone

from isvplatform import gateway
from provisioning.accounts import subaccount_client
from provisioning.models import PhoneNumber, ReconcileRecord, TwilioSubaccount
from provisioning.numbers import number_buy
from provisioning.reconcile import subaccount_reconcile
from provisioning.services import subaccount_request
from provisioning.suspension import subaccount_suspend
from provisioning.tasks import reconcile_all_task
from sandbox.core.models import Account as SandboxAccount
from tenants.models import AuditEvent
from tenants.services import Actor

pytestmark = pytest.mark.django_db
Status = TwilioSubaccount.Status
Kind = ReconcileRecord.Kind


def test_nothing_to_fix_records_nothing(tenant, active_sub):
    number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    assert subaccount_reconcile(subaccount=active_sub) == []
    active_sub.refresh_from_db()
    assert active_sub.last_reconciled_at is not None


def test_a_suspension_made_in_twilio_is_adopted(tenant, active_sub):
    gateway.set_account_status(active_sub.sid, "suspended")

    fixed = subaccount_reconcile(subaccount=active_sub)

    assert [r.kind for r in fixed] == [Kind.STATUS_DRIFT]
    active_sub.refresh_from_db()
    assert active_sub.status == Status.SUSPENDED
    assert active_sub.suspension_source == TwilioSubaccount.SuspensionSource.TWILIO
    assert AuditEvent.objects.filter(action="subaccount.reconciled").exists()


def test_a_platform_suspension_lifted_in_twilio_is_put_back(tenant, active_sub):
    subaccount_suspend(subaccount=active_sub, actor=Actor.system(), reason="unpaid")
    gateway.set_account_status(active_sub.sid, "active")

    fixed = subaccount_reconcile(subaccount=active_sub)

    assert [r.kind for r in fixed] == [Kind.STATUS_DRIFT]
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "suspended"


def test_an_account_closed_in_twilio_is_closed_here_with_its_numbers(tenant, active_sub):
    number = number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    gateway.set_account_status(active_sub.sid, "closed")

    subaccount_reconcile(subaccount=active_sub)

    active_sub.refresh_from_db()
    number.refresh_from_db()
    assert active_sub.status == Status.CLOSED and active_sub.auth_token is None
    assert number.status == PhoneNumber.Status.RELEASED and not number.is_primary


def test_numbers_bought_outside_are_recorded(tenant, active_sub):
    outside = gateway.buy_number(subaccount_client(active_sub), area_code="718")

    fixed = subaccount_reconcile(subaccount=active_sub)

    assert Kind.NUMBER_ADDED in [r.kind for r in fixed]
    assert PhoneNumber.objects.for_tenant(tenant).get(sid=outside.sid).origin == "external"
    assert active_sub.reconcile_records.filter(kind=Kind.NUMBER_ADDED).count() == 1


def test_stuck_provisioning_is_resumed(tenant, django_capture_on_commit_callbacks):
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    assert subaccount_reconcile(subaccount=sub) == []  # not stuck yet

    later = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        fixed = subaccount_reconcile(subaccount=sub, now=later)

    assert [r.kind for r in fixed] == [Kind.PROVISIONING_RESUMED]
    sub.refresh_from_db()
    assert sub.status == Status.ACTIVE


def test_an_expired_previous_token_is_forgotten(tenant, active_sub):
    active_sub.previous_auth_token = "old-token"
    active_sub.previous_token_valid_until = timezone.now() - timedelta(minutes=1)
    active_sub.save()

    fixed = subaccount_reconcile(subaccount=active_sub)

    assert Kind.TOKEN_EXPIRED in [r.kind for r in fixed]
    active_sub.refresh_from_db()
    assert active_sub.previous_auth_token is None


def test_the_periodic_job_reconciles_every_open_subaccount(tenant, other_tenant, provision):
    mine, theirs = provision(tenant), provision(other_tenant)
    gateway.set_account_status(theirs.sid, "suspended")

    assert reconcile_all_task.delay().get() == 2

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Status.ACTIVE and mine.last_reconciled_at is not None
    assert theirs.status == Status.SUSPENDED


def test_a_closed_tenants_subaccount_is_closed(tenant, active_sub):
    from tenants.models import Tenant
    from tenants.services import tenant_set_status

    number = number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    tenant_set_status(tenant=tenant, status=Tenant.Status.CLOSED, actor=Actor.system())

    fixed = subaccount_reconcile(subaccount=active_sub)

    assert [r.kind for r in fixed] == [Kind.TENANT_CLOSED]
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "closed"
    number.refresh_from_db()
    assert number.status == PhoneNumber.Status.RELEASED
