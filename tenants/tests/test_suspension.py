"""Suspending a tenant: staff confirm and give a reason; the tenant's people are told it."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from tenants.models import AuditEvent, BusinessProfile, Membership, Tenant
from tenants.services import Actor, tenant_set_status
from tenants.tests.factories import MembershipFactory, make_api_key
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db
Role = Membership.Role
REASON = "Your invoice of May is unpaid"


def suspend(tenant, reason=REASON):
    return tenant_set_status(
        tenant=tenant, status=Tenant.Status.SUSPENDED, actor=Actor.system(), reason=reason
    )


def signed_in(client, tenant, role=Role.OWNER):
    client.force_login(MembershipFactory(tenant=tenant, role=role).user)
    return client


def test_a_suspension_needs_a_reason_which_is_kept_and_audited(tenant):
    with pytest.raises(ValidationError) as caught:
        suspend(tenant, reason="   ")
    assert "reason" in caught.value.message_dict
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ACTIVE

    suspend(tenant)
    tenant.refresh_from_db()
    assert (tenant.status, tenant.suspension_reason) == ("suspended", REASON)
    event = AuditEvent.objects.for_tenant(tenant).get(action="tenant.suspended")
    assert event.changes["reason"] == REASON

    tenant_set_status(tenant=tenant, status=Tenant.Status.ACTIVE, actor=Actor.system())
    tenant.refresh_from_db()
    assert (tenant.status, tenant.suspension_reason) == ("active", "")


def test_the_admin_asks_to_confirm_with_a_reason_before_suspending(client, tenant, staff_user):
    login_verified(client, staff_user)

    def post(**extra):
        data = {"action": "suspend", ACTION_CHECKBOX_NAME: [tenant.pk], **extra}
        return client.post("/admin/tenants/tenant/", data)

    confirm = post()
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert 'name="reason"' in body and tenant.name in body and "Yes, suspend them" in body
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ACTIVE

    blank = post(apply="1", reason="  ")
    assert "This field is required." in blank.content.decode()
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ACTIVE

    assert post(apply="1", reason=REASON).status_code == 302
    tenant.refresh_from_db()
    assert (tenant.status, tenant.suspension_reason) == ("suspended", REASON)
    event = AuditEvent.objects.for_tenant(tenant).get(action="tenant.suspended")
    assert event.actor_user == staff_user


def test_the_staff_api_needs_a_reason_to_suspend(tenant, staff_user):
    client = APIClient()
    login_verified(client, staff_user)
    url = f"/api/v1/staff/tenants/{tenant.pk}/suspend"
    for body in ({}, {"reason": " "}):
        response = client.post(url, body, format="json")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["reason"]
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ACTIVE

    response = client.post(url, {"reason": REASON}, format="json")
    assert response.status_code == 200
    assert response.json()["suspension_reason"] == REASON


def test_the_portal_shows_the_reason_on_every_page(client, tenant):
    signed_in(client, tenant)
    suspend(tenant)
    for name in ("portal:dashboard", "portal:profile", "messaging:log"):
        body = client.get(reverse(name)).content.decode()
        assert f"Your account is suspended: {REASON}." in body, name
        assert "changes are disabled" in body


def test_compose_says_sending_is_paused_by_the_suspension_not_by_the_role(client, tenant):
    signed_in(client, tenant, role=Role.OWNER)
    suspend(tenant)
    body = client.get(reverse("messaging:compose")).content.decode()
    assert f"Sending is paused because your account is suspended: {REASON}." in body
    assert "can read messages but not send them" not in body


def test_compose_tells_a_viewer_of_an_active_tenant_about_the_role(client, tenant, settings):
    settings.TWILIO_MASTER_FALLBACK = True
    signed_in(client, tenant, role=Role.VIEWER)
    body = client.get(reverse("messaging:compose")).content.decode()
    assert "Your role (viewer) can read messages but not send them." in body
    assert "Sending is paused" not in body


def test_refused_writes_give_the_reason(client, tenant):
    signed_in(client, tenant)
    key_client = APIClient()
    key_client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    suspend(tenant)

    page = client.post(reverse("portal:profile"), {"legal_name": "Later"})
    assert page.status_code == 403
    assert REASON in page.content.decode()

    response = key_client.patch("/api/v1/business-profile", {"industry": "x"}, format="json")
    assert response.status_code == 403
    assert REASON in response.json()["error"]["message"]
    assert BusinessProfile.objects.get(tenant=tenant).industry == ""
