"""Provisioning calls Twilio with a claim on the subaccount, never inside a transaction.

A row lock held across a Twilio call (with its retries, up to about 80 s) blocked every other
writer of the tenant and its subaccount for as long as Twilio took.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from isvplatform.testing.transactions import record_twilio_calls
from provisioning.locks import SubaccountBusy, subaccount_lock, subaccount_take_claim
from provisioning.models import TwilioSubaccount
from provisioning.numbers import (
    number_buy,
    number_release,
    number_search,
    pool_allocate,
    pool_buy,
    pool_release,
)
from provisioning.services import subaccount_provision, subaccount_request
from provisioning.suspension import subaccount_close, subaccount_reactivate, subaccount_suspend
from provisioning.tokens import subaccount_rotate_token
from sandbox import faults
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def claim(sub: TwilioSubaccount):
    with transaction.atomic():
        return subaccount_take_claim(subaccount_lock(sub.pk))


def test_no_provisioning_call_to_twilio_runs_inside_a_transaction(tenant, monkeypatch):
    calls = record_twilio_calls(monkeypatch)
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    sub = subaccount_provision(str(sub.pk))
    assert sub.status == "active"
    offer = number_search(tenant=tenant, number_type="toll_free", limit=1)[0]
    number_buy(tenant=tenant, actor=Actor.system(), phone_number=offer.phone_number)
    sub = subaccount_rotate_token(subaccount=sub, actor=Actor.system())
    sub = subaccount_suspend(subaccount=sub, actor=Actor.system(), reason="test")
    sub = subaccount_reactivate(subaccount=sub, actor=Actor.system())
    sub = subaccount_close(subaccount=sub, actor=Actor.system(), confirmed=True)
    assert sub.status == "closed"
    assert len(calls.made) >= 8
    assert calls.in_transaction == []


def test_a_claimed_subaccount_refuses_a_second_change_until_the_lease_runs_out(active_sub):
    held = claim(active_sub)
    with pytest.raises(SubaccountBusy):
        subaccount_suspend(subaccount=active_sub, actor=Actor.system())
    with pytest.raises(SubaccountBusy):
        number_buy(tenant=active_sub.tenant, actor=Actor.system(), area_code="415")
    active_sub.refresh_from_db()
    assert active_sub.status == "active" and active_sub.claim_token == held.token

    # The holder died: once its lease ran out, the next change takes the row.
    TwilioSubaccount.objects.filter(pk=active_sub.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    sub = subaccount_suspend(subaccount=active_sub, actor=Actor.system())
    assert sub.status == "suspended" and sub.claim_token is None
    assert TwilioSubaccount.objects.get(pk=sub.pk).claim_token is None


def test_a_failed_twilio_call_gives_the_claim_back(active_sub, settings):
    settings.TWILIO_MAX_RETRIES = 0
    with (
        faults.injected(rate_500=1.0, path_pattern=r"/Accounts/AC\w+\.json$"),
        pytest.raises(gateway.RetryableGatewayError),
    ):
        subaccount_suspend(subaccount=active_sub, actor=Actor.system())
    active_sub.refresh_from_db()
    assert active_sub.status == "active" and active_sub.claim_token is None
    assert subaccount_suspend(subaccount=active_sub, actor=Actor.system()).status == "suspended"


def test_a_second_provisioning_run_leaves_a_claimed_row_to_the_first(tenant):
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    claim(sub)
    again = subaccount_provision(str(sub.pk))
    assert again.sid is None and again.status == "pending"


def test_no_pool_call_to_twilio_runs_inside_a_transaction(active_sub, monkeypatch):
    calls = record_twilio_calls(monkeypatch)
    kept = pool_buy(actor=Actor.system(), area_code="628")
    number = pool_allocate(pooled=kept, tenant=active_sub.tenant, actor=Actor.system())
    number_release(number=number, actor=Actor.system(), reason="test")
    pool_release(pooled=pool_buy(actor=Actor.system(), area_code="628"), actor=Actor.system())
    kept.refresh_from_db()
    assert kept.status == "available" and kept.claim_token is None
    assert len(calls.made) >= 6
    assert calls.in_transaction == []
