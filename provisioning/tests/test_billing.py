"""The Stripe webhook: signed events provision, suspend and close; bad ones do nothing."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from provisioning.billing import stripe_customer_link
from provisioning.models import StripeCustomer, StripeEvent, TwilioSubaccount
from provisioning.reconcile import subaccount_reconcile
from provisioning.selectors import open_subaccount
from sandbox.core.models import Account as SandboxAccount
from tenants.models import AuditEvent
from tenants.services import Actor

from .conftest import STRIPE_TEST_SECRET, stripe_event, stripe_signature

pytestmark = pytest.mark.django_db
URL = "/webhooks/billing/stripe"
Status = TwilioSubaccount.Status


@pytest.fixture(autouse=True)
def stripe_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_TEST_SECRET


@pytest.fixture
def customer(tenant):
    return stripe_customer_link(tenant=tenant, customer_id="cus_TEST123", actor=Actor.system())


def post(client, payload: str, signature: str | None = None):
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post(URL, payload, content_type="application/json", **headers)


def subscription(status: str, customer_id: str = "cus_TEST123") -> dict:
    return {"id": "sub_1", "object": "subscription", "customer": customer_id, "status": status}


def deliver(client, capture, event_id, event_type, obj, created=None):
    payload = stripe_event(event_id, event_type, obj, created=created)
    with capture(execute=True):
        response = post(client, payload, stripe_signature(payload))
    assert response.status_code == 200, response.content
    return response.json()


def test_checkout_completed_provisions_the_mapped_tenant(
    client, tenant, customer, django_capture_on_commit_callbacks
):
    body = deliver(
        client,
        django_capture_on_commit_callbacks,
        "evt_checkout",
        "checkout.session.completed",
        {"object": "checkout.session", "customer": "cus_TEST123", "status": "complete",
         "payment_status": "paid"},
    )  # fmt: skip

    assert body["duplicate"] is False
    sub = open_subaccount(tenant)
    assert sub.status == Status.ACTIVE
    assert SandboxAccount.objects.filter(sid=sub.sid, status="active").exists()
    event = StripeEvent.objects.get(event_id="evt_checkout")
    assert event.tenant == tenant and "provisioning" in event.outcome


def test_checkout_links_a_new_customer_through_the_client_reference(
    client, tenant, django_capture_on_commit_callbacks
):
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "evt_ref",
        "checkout.session.completed",
        {"customer": "cus_NEW9", "client_reference_id": str(tenant.pk), "status": "complete",
         "payment_status": "paid"},
    )  # fmt: skip

    assert StripeCustomer.objects.get(customer_id="cus_NEW9").tenant == tenant
    assert open_subaccount(tenant).status == Status.ACTIVE


def test_a_forged_signature_is_refused_and_changes_nothing(client, tenant, customer):
    payload = stripe_event("evt_forged", "customer.subscription.created", subscription("active"))

    forged = post(client, payload, stripe_signature(payload, secret="whsec_attacker"))
    missing = post(client, payload)
    tampered = post(client, payload.replace("cus_TEST123", "cus_OTHER"), stripe_signature(payload))

    assert forged.status_code == missing.status_code == tampered.status_code == 400
    assert not StripeEvent.objects.exists()
    assert open_subaccount(tenant) is None


def test_a_stale_signature_is_refused(client, tenant, customer):
    payload = stripe_event("evt_old", "customer.subscription.created", subscription("active"))
    an_hour_ago = int(time.time()) - 3600

    response = post(client, payload, stripe_signature(payload, at=an_hour_ago))

    assert response.status_code == 400
    assert "tolerance" in response.json()["error"]["message"].lower()
    assert not StripeEvent.objects.exists()


def test_a_replayed_event_is_acted_on_once(
    client, tenant, customer, django_capture_on_commit_callbacks
):
    obj = subscription("active")
    first = deliver(
        client, django_capture_on_commit_callbacks, "evt_1", "customer.subscription.created", obj
    )
    audits = AuditEvent.objects.for_tenant(tenant).count()

    again = deliver(
        client, django_capture_on_commit_callbacks, "evt_1", "customer.subscription.created", obj
    )

    assert first["duplicate"] is False and again["duplicate"] is True
    assert StripeEvent.objects.filter(event_id="evt_1").count() == 1
    assert AuditEvent.objects.for_tenant(tenant).count() == audits
    assert TwilioSubaccount.objects.filter(tenant=tenant).count() == 1


def test_unpaid_suspends_and_active_again_reactivates(
    client, tenant, customer, active_sub, django_capture_on_commit_callbacks
):
    now = int(time.time())
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "evt_unpaid",
        "customer.subscription.updated",
        subscription("unpaid"),
        created=now,
    )
    active_sub.refresh_from_db()
    assert active_sub.status == Status.SUSPENDED
    assert active_sub.suspension_source == TwilioSubaccount.SuspensionSource.BILLING
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "suspended"

    deliver(
        client,
        django_capture_on_commit_callbacks,
        "evt_paid",
        "customer.subscription.updated",
        subscription("active"),
        created=now + 10,
    )
    active_sub.refresh_from_db()
    assert active_sub.status == Status.ACTIVE
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "active"


def test_a_late_older_event_does_not_undo_a_newer_one(
    client, tenant, customer, active_sub, django_capture_on_commit_callbacks
):
    now = int(time.time())
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "evt_new",
        "customer.subscription.updated",
        subscription("active"),
        created=now,
    )
    body = deliver(
        client,
        django_capture_on_commit_callbacks,
        "evt_older",
        "customer.subscription.updated",
        subscription("canceled"),
        created=now - 60,
    )

    assert body["outcome"].startswith("stale")
    active_sub.refresh_from_db()
    assert active_sub.status == Status.ACTIVE


def test_a_staff_suspension_is_not_lifted_by_billing(
    client, tenant, customer, active_sub, django_capture_on_commit_callbacks
):
    from provisioning.suspension import subaccount_suspend

    subaccount_suspend(subaccount=active_sub, actor=Actor.system(), reason="abuse")
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "evt_active",
        "customer.subscription.updated",
        subscription("active"),
    )
    active_sub.refresh_from_db()
    assert active_sub.status == Status.SUSPENDED


def test_deleted_subscription_schedules_closing(
    client, tenant, customer, active_sub, django_capture_on_commit_callbacks, settings
):
    deliver(
        client,
        django_capture_on_commit_callbacks,
        "evt_deleted",
        "customer.subscription.deleted",
        subscription("canceled"),
    )
    active_sub.refresh_from_db()
    assert active_sub.status == Status.SUSPENDED
    expected = timezone.now() + timedelta(days=settings.SUBSCRIPTION_CLOSE_GRACE_DAYS)
    assert abs((active_sub.close_scheduled_at - expected).total_seconds()) < 60

    subaccount_reconcile(subaccount=active_sub)  # not due yet
    active_sub.refresh_from_db()
    assert active_sub.status == Status.SUSPENDED

    subaccount_reconcile(subaccount=active_sub, now=active_sub.close_scheduled_at)
    active_sub.refresh_from_db()
    assert active_sub.status == Status.CLOSED
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "closed"


def test_events_for_unknown_customers_or_types_are_recorded_and_ignored(client, tenant):
    for event_id, event_type, obj in [
        ("evt_a", "customer.subscription.created", subscription("active", "cus_NOBODY")),
        ("evt_b", "invoice.paid", {"customer": "cus_NOBODY"}),
    ]:
        payload = stripe_event(event_id, event_type, obj)
        assert post(client, payload, stripe_signature(payload)).status_code == 200
    assert set(StripeEvent.objects.values_list("event_id", flat=True)) == {"evt_a", "evt_b"}
    assert open_subaccount(tenant) is None


def test_without_a_configured_secret_nothing_is_accepted(client, tenant, customer, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = stripe_event("evt_x", "customer.subscription.created", subscription("active"))
    assert post(client, payload, stripe_signature(payload)).status_code == 400
    assert not StripeEvent.objects.exists()
