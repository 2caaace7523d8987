"""Staff admin: subaccounts with their actions, numbers, the pool, billing links, keys."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from provisioning.models import (
    PhoneNumber,
    PlatformAPIKey,
    PooledNumber,
    StripeCustomer,
    TwilioSubaccount,
)
from provisioning.numbers import number_buy, pool_buy
from provisioning.platform_keys import platform_key_authenticate
from sandbox.core.models import Account as SandboxAccount
from tenants.models import AuditEvent
from tenants.services import Actor
from tenants.tests.factories import TenantFactory
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db
Status = TwilioSubaccount.Status


@pytest.fixture
def admin_client(client, staff_user):
    login_verified(client, staff_user)
    return client


def changelist(model: str) -> str:
    return reverse(f"admin:provisioning_{model}_changelist")


def run_action(admin_client, model: str, action: str, objects, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects], **extra}
    return admin_client.post(changelist(model), data)


def test_pages_show_status_and_errors_but_never_a_token(admin_client, tenant, active_sub):
    token = active_sub.auth_token.reveal()
    failed = TwilioSubaccount.objects.create(
        tenant=TenantFactory(),
        friendly_name="Broken Co",
        status=Status.FAILED,
        last_error_code=20003,
        last_error_message="Twilio rejected the account credentials.",
    )
    number_buy(tenant=tenant, actor=Actor.system(), area_code="415")

    pages = [
        admin_client.get(changelist("twiliosubaccount")),
        admin_client.get(
            reverse("admin:provisioning_twiliosubaccount_change", args=[active_sub.pk])
        ),
        admin_client.get(reverse("admin:provisioning_twiliosubaccount_change", args=[failed.pk])),
        admin_client.get(changelist("phonenumber")),
    ]
    for page in pages:
        assert page.status_code == 200
        assert token not in page.content.decode()
    assert "20003: Twilio rejected the account credentials." in pages[0].content.decode()


def test_suspend_and_reactivate_actions(admin_client, active_sub):
    confirm = run_action(admin_client, "twiliosubaccount", "suspend", [active_sub])
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    blank = run_action(admin_client, "twiliosubaccount", "suspend", [active_sub], apply="1")
    assert "This field is required." in blank.content.decode()
    active_sub.refresh_from_db()
    assert active_sub.status == Status.ACTIVE

    run_action(
        admin_client, "twiliosubaccount", "suspend", [active_sub], apply="1", reason="Spam report"
    )
    active_sub.refresh_from_db()
    assert (active_sub.status, active_sub.status_reason) == (Status.SUSPENDED, "Spam report")
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "suspended"

    run_action(admin_client, "twiliosubaccount", "reactivate", [active_sub])
    active_sub.refresh_from_db()
    assert active_sub.status == Status.ACTIVE


def test_close_asks_to_confirm_first(admin_client, active_sub):
    confirm = run_action(admin_client, "twiliosubaccount", "close", [active_sub])
    assert confirm.status_code == 200 and "irreversible" in confirm.content.decode()
    active_sub.refresh_from_db()
    assert active_sub.status == Status.ACTIVE

    run_action(admin_client, "twiliosubaccount", "close", [active_sub], confirmed="yes")
    active_sub.refresh_from_db()
    assert active_sub.status == Status.CLOSED
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "closed"


def test_provision_retry_rotate_and_reconcile_actions(
    admin_client, tenant, django_capture_on_commit_callbacks
):
    sub = TwilioSubaccount.objects.create(
        tenant=tenant, friendly_name=f"Acme [tenant {tenant.pk}]", status=Status.FAILED
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "twiliosubaccount", "provision", [sub])
    sub.refresh_from_db()
    assert sub.status == Status.ACTIVE

    old = sub.auth_token.reveal()
    run_action(admin_client, "twiliosubaccount", "rotate_token", [sub])
    sub.refresh_from_db()
    assert sub.auth_token.reveal() != old

    SandboxAccount.objects.filter(sid=sub.sid).update(status="suspended")
    response = run_action(admin_client, "twiliosubaccount", "reconcile_now", [sub])
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == Status.SUSPENDED
    assert sub.reconcile_records.filter(kind="status_drift").exists()


def test_number_limit_override_is_audited(admin_client, active_sub):
    url = reverse("admin:provisioning_twiliosubaccount_change", args=[active_sub.pk])
    inlines = {
        f"{prefix}-{name}": "0"
        for prefix in ("numbers", "reconcile_records")
        for name in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    response = admin_client.post(url, {"number_limit": "12", **inlines})
    assert response.status_code == 302, response.context["errors"]
    active_sub.refresh_from_db()
    assert active_sub.number_limit == 12
    assert AuditEvent.objects.filter(action="subaccount.number_limit_changed").exists()


def test_release_a_number_from_the_admin(admin_client, tenant, active_sub):
    number = number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    run_action(admin_client, "phonenumber", "release", [number])
    number.refresh_from_db()
    assert number.status == PhoneNumber.Status.RELEASED


def test_pool_buy_and_allocate_from_the_admin(admin_client, tenant, active_sub):
    bought = admin_client.post(reverse("admin:provisioning_poolednumber_add"), {"area_code": "628"})
    assert bought.status_code == 302
    pooled = PooledNumber.objects.get()
    assert pooled.status == PooledNumber.Status.AVAILABLE

    ask = run_action(admin_client, "poolednumber", "allocate", [pooled])
    assert ask.status_code == 200 and "Tenant" in ask.content.decode()
    run_action(admin_client, "poolednumber", "allocate", [pooled], apply="1", tenant=tenant.pk)

    pooled.refresh_from_db()
    assert pooled.status == PooledNumber.Status.ALLOCATED
    assert PhoneNumber.objects.for_tenant(tenant).get().sid == pooled.sid


def test_release_pool_numbers_from_the_admin(admin_client):
    pooled = pool_buy(actor=Actor.system(), area_code="628")
    run_action(admin_client, "poolednumber", "release_to_twilio", [pooled])
    pooled.refresh_from_db()
    assert pooled.status == PooledNumber.Status.RELEASED


def test_staff_link_a_stripe_customer(admin_client, tenant):
    response = admin_client.post(
        reverse("admin:provisioning_stripecustomer_add"),
        {"tenant": tenant.pk, "customer_id": "cus_ADMIN1"},
    )
    assert response.status_code == 302
    assert StripeCustomer.objects.get(customer_id="cus_ADMIN1").tenant == tenant

    bad = admin_client.post(
        reverse("admin:provisioning_stripecustomer_add"),
        {"tenant": tenant.pk, "customer_id": "nope"},
    )
    assert bad.status_code == 200 and StripeCustomer.objects.count() == 1


def test_a_platform_key_is_shown_once(admin_client):
    response = admin_client.post(
        reverse("admin:provisioning_platformapikey_add"), {"name": "Integrator"}
    )
    assert response.status_code == 200
    raw_key = response.context["raw_key"]
    assert raw_key.startswith("isvp_") and raw_key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    key = PlatformAPIKey.objects.get()
    assert platform_key_authenticate(raw_key) == key
    listing = admin_client.get(changelist("platformapikey")).content.decode()
    assert raw_key not in listing and key.prefix in listing
