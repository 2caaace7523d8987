"""Versions: a rejected brand shows why; fixing and resubmitting makes version 2; an
approved version is read-only and stays active until a newer one is approved."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from compliance.gate import compliance_gate
from compliance.models import Registration, ReviewStatus
from compliance.testing import register_and_verify, valid_submission
from compliance.tests.conftest import HANDSET
from isvplatform import gateway
from provisioning.selectors import messaging_service_for
from sandbox import clock
from sandbox.resources.messages.models import Message as SandboxMessage
from sandbox.resources.messaging_services.models import ServicePhoneNumber
from sandbox.resources.us_app_to_person.models import Campaign
from tenants.models import Membership
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db


def owner_api(tenant) -> APIClient:
    membership = Membership.objects.for_tenant(tenant).get(role=Membership.Role.OWNER)
    client = APIClient()
    client.force_login(membership.user)
    session = client.session
    session["tenant_id"] = tenant.pk
    session.save()
    return client


class NumberSender:
    def __init__(self, number):
        self.channel, self.to, self.from_number = "sms", HANDSET, number.phone_number
        self.messaging_service_sid, self.via_master, self.number = "", False, number


def test_a_rejected_brand_shows_its_reason_and_a_fixed_resubmission_is_version_2(provisioned):
    tenant = provisioned.tenant
    first = register_and_verify(tenant, legal_name="Mismatch Coffee Roasters LLC")

    assert first.status == Registration.Status.REJECTED
    assert first.step == Registration.Step.BRAND
    assert first.brand.status == ReviewStatus.REJECTED
    assert first.brand.raw_status == "FAILED"
    assert "does not match the name on file with the IRS" in first.brand.failure_reason
    assert "does not match" in first.rejection_reason

    client = owner_api(tenant)
    status = client.get("/api/v1/10dlc/status").json()
    assert status["can_send"] is False
    assert "rejected" in status["headline"]
    detail = client.get(f"/api/v1/10dlc/registrations/{first.pk}").json()
    brand = next(step for step in detail["timeline"] if step["step"] == "brand")
    assert brand["status"] == "rejected" and brand["raw_status"] == "FAILED"
    assert "IRS" in brand["reasons"][0]["message"]
    assert "Fix" in brand["next_action"]

    second = register_and_verify(tenant, legal_name="Acme Coffee Roasters LLC")
    assert second.version == 2
    assert second.status == Registration.Status.APPROVED and second.is_active
    assert second.brand_id != first.brand_id
    first.refresh_from_db()
    assert first.status == Registration.Status.REJECTED and not first.is_active
    listed = client.get("/api/v1/10dlc/registrations").json()["results"]
    assert [(r["version"], r["status"]) for r in listed] == [(2, "approved"), (1, "rejected")]


def test_an_approved_version_is_read_only_in_the_api_and_the_admin(provisioned, staff_user):
    registration = register_and_verify(provisioned.tenant)
    client = owner_api(provisioned.tenant)

    response = client.patch(
        f"/api/v1/10dlc/registrations/{registration.pk}",
        {"legal_name": "Other Name LLC"},
        format="json",
    )
    assert response.status_code == 409
    assert "read-only" in response.json()["error"]["message"]
    registration.refresh_from_db()
    assert registration.snapshot["legal_name"] == "Acme Coffee Roasters LLC"

    admin = APIClient()
    login_verified(admin, staff_user)
    url = reverse("admin:compliance_a2pbrand_change", args=[registration.brand_id])
    page = admin.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    before = registration.brand.brand_score
    posted = admin.post(url, {"next_poll_at_0": "2030-01-01", "next_poll_at_1": "00:00:00"})
    assert posted.status_code == 403
    registration.brand.refresh_from_db()
    assert registration.brand.brand_score == before and registration.brand.next_poll_at is None
    version_url = reverse("admin:compliance_registration_change", args=[registration.pk])
    assert b'name="_save"' not in admin.get(version_url).content


def test_the_approved_version_stays_active_until_the_new_one_is_approved(provisioned):
    tenant = provisioned.tenant
    first = register_and_verify(tenant)
    old_service = messaging_service_for(tenant)

    from compliance.demo import drive_in_sandbox
    from compliance.services import registration_submit
    from tenants.services import Actor

    second = registration_submit(
        tenant=tenant,
        data=valid_submission(website="https://acme-coffee-roasters.example.com"),
        actor=Actor.system(),
    )
    assert second.version == 2
    assert second.customer_profile_id != first.customer_profile_id  # business facts changed
    # While version 2 is reviewed, version 1's campaign keeps the numbers sending.
    compliance_gate(tenant, NumberSender(provisioned.number))

    second = drive_in_sandbox(second)
    assert second.status == Registration.Status.APPROVED and second.is_active
    assert second.needs_cutover
    first.refresh_from_db()
    assert first.status == Registration.Status.SUPERSEDED and not first.is_active
    assert first.snapshot["website"] == "https://acme-coffee.example.com"  # history kept

    new_service = messaging_service_for(tenant)
    assert new_service.sid == second.messaging_service_sid != old_service.sid
    provisioned.number.refresh_from_db()
    assert provisioned.number.messaging_service_id == new_service.pk
    assert ServicePhoneNumber.objects.get(phone_number__sid=provisioned.number.sid).service.sid == (
        new_service.sid
    )
    compliance_gate(tenant, NumberSender(provisioned.number))
    client = gateway.account_client(provisioned.sub.sid, provisioned.sub.auth_token)
    sent = gateway.send_message(client, HANDSET, from_=provisioned.number.phone_number, body="Hi")
    clock.advance(10)
    assert SandboxMessage.objects.get(sid=sent.sid).status == "delivered"


def test_a_campaign_only_change_reuses_the_approved_brand(provisioned):
    tenant = provisioned.tenant
    first = register_and_verify(tenant)
    second = register_and_verify(
        tenant,
        description="Acme Coffee sends order-ready notices, loyalty points and weekly offers "
        "to customers who signed up.",
    )
    assert second.status == Registration.Status.APPROVED
    assert second.brand_id == first.brand_id
    assert second.customer_profile_id == first.customer_profile_id
    assert second.campaign_id != first.campaign_id


def test_a_resubmission_after_a_rejected_campaign_registers_its_own_campaign(provisioned):
    tenant = provisioned.tenant
    first = register_and_verify(
        tenant,
        description="Mismatch: Acme Coffee sends order-ready notices and weekly offers to "
        "customers who signed up at checkout.",
    )
    assert first.status == Registration.Status.REJECTED
    assert first.step == Registration.Step.CAMPAIGN

    rejected_reason = first.campaign.failure_reason
    second = register_and_verify(tenant)
    assert second.brand_id == first.brand_id  # only the campaign changed
    assert second.messaging_service_sid == first.messaging_service_sid
    # Twilio gives every campaign the same SID; version 2's is its own campaign all the same.
    assert second.campaign_id != first.campaign_id
    assert second.status == Registration.Status.APPROVED and second.is_active
    assert second.campaign.status == ReviewStatus.APPROVED and second.campaign.errors == []
    assert second.campaign.campaign_id  # the TCR id of a verified campaign
    first.campaign.refresh_from_db()
    assert first.campaign.status == ReviewStatus.REJECTED
    assert first.campaign.failure_reason == rejected_reason
    on_twilio = Campaign.objects.get(messaging_service_sid=second.messaging_service_sid)
    assert on_twilio.campaign_status == "VERIFIED" and "Mismatch" not in on_twilio.description
    detail = owner_api(tenant).get(f"/api/v1/10dlc/registrations/{second.pk}").json()
    campaign = next(step for step in detail["timeline"] if step["step"] == "campaign")
    assert campaign["status"] == "approved" and campaign["reasons"] == []
