"""One lock order: a transaction that locks a subaccount has locked its tenant first.

A provisioning request locks the tenant and then the subaccount. The task and the staff
actions used to lock the subaccount alone and then insert an audit row, whose foreign key
share-locks the tenant: with a request waiting on the subaccount while holding the tenant,
four concurrent staff provisioning requests deadlocked on PostgreSQL. SQLite takes no row
locks, so the order of the locking queries is recorded and checked instead.
"""

import pytest
from django.db.models import QuerySet

from isvplatform import gateway
from provisioning.models import TwilioSubaccount
from provisioning.numbers import number_buy, number_search
from provisioning.reconcile import subaccount_reconcile
from provisioning.services import (
    subaccount_provision,
    subaccount_record_error,
    subaccount_request,
)
from provisioning.suspension import subaccount_reactivate, subaccount_suspend
from provisioning.tokens import subaccount_rotate_token
from tenants.services import Actor

pytestmark = pytest.mark.django_db
TENANT, SUBACCOUNT = "tenants.Tenant", "provisioning.TwilioSubaccount"


@pytest.fixture
def locks(monkeypatch):
    """The model of every `select_for_update()` query, in order."""
    taken: list[str] = []
    original = QuerySet.select_for_update

    def recording(self, *args, **kwargs):
        taken.append(self.model._meta.label)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", recording)
    return taken


def assert_tenant_before_each_subaccount(taken: list[str]) -> None:
    assert SUBACCOUNT in taken
    for index, label in enumerate(taken):
        if label == SUBACCOUNT:
            assert index > 0 and taken[index - 1] == TENANT, taken


def test_provisioning_locks_the_tenant_before_the_subaccount(tenant, locks):
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    sub = subaccount_provision(str(sub.pk))
    assert sub.status == TwilioSubaccount.Status.ACTIVE
    assert_tenant_before_each_subaccount(locks)


def test_a_retry_request_and_an_error_lock_in_the_same_order(tenant, locks):
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    error = gateway.GatewayError("refused", code=20003)
    subaccount_record_error(str(sub.pk), error, final=True)
    retried = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    assert retried.status == TwilioSubaccount.Status.PENDING
    assert_tenant_before_each_subaccount(locks)


def test_staff_actions_and_number_purchases_lock_in_the_same_order(active_sub, locks):
    staff = Actor.system()
    subaccount_suspend(subaccount=active_sub, actor=staff, reason="check")
    subaccount_reactivate(subaccount=active_sub, actor=staff)
    subaccount_rotate_token(subaccount=active_sub, actor=staff)
    offer = number_search(tenant=active_sub.tenant, number_type="toll_free", limit=1)[0]
    number_buy(tenant=active_sub.tenant, actor=staff, phone_number=offer.phone_number)
    assert_tenant_before_each_subaccount(locks)


def test_reconciling_a_status_locks_in_the_same_order(active_sub, locks):
    TwilioSubaccount.objects.filter(pk=active_sub.pk).update(status="suspended")
    active_sub.refresh_from_db()
    records = subaccount_reconcile(subaccount=active_sub)
    assert records, "Twilio says active, we said suspended: reconcile corrects it"
    assert_tenant_before_each_subaccount(locks)
