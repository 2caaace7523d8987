"""A sole proprietor's brand: the chain waits for the owner's YES to Twilio's text (replied in
the handset simulator), the portal and API say what to do and until when, a resend texts the
code again, and a missed deadline rejects the version."""

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from compliance.demo import awaits_owner_otp, drive_in_sandbox
from compliance.models import Registration, ReviewStatus
from compliance.services import poll_object, registration_submit
from compliance.testing import reply_to_otp, valid_submission
from sandbox import clock, handsets
from sandbox.resources.brand_registrations.otp import OTP_SENDER
from sandbox.resources.messages.models import Message as SandboxMessage
from sandbox.resources.us_app_to_person.models import Campaign
from tenants.models import AuditEvent, Membership
from tenants.services import Actor
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
OWNER_MOBILE = "+14155550177"
SOLE_PROP = {
    "brand_type": "SOLE_PROPRIETOR",
    "use_case": "SOLE_PROPRIETOR",
    "business_type": "sole_proprietorship",
    "legal_name": "Dana Doe",
    "ein": "",
    "rep_phone": OWNER_MOBILE,
}


def otp_texts() -> list[dict]:
    return [m for m in handsets.messages_received(OWNER_MOBILE) if m["from"] == OTP_SENDER]


@pytest.fixture
def awaiting(provisioned, on_commit) -> Registration:
    """A sole proprietor's version whose brand the carriers approved; the owner must reply."""
    registration = on_commit(
        registration_submit,
        tenant=provisioned.tenant,
        data=valid_submission(**SOLE_PROP),
        actor=Actor.system(),
    )
    registration = on_commit(drive_in_sandbox, registration)
    assert awaits_owner_otp(registration)
    return registration


def test_the_brand_completes_through_the_owners_yes_in_the_handset_simulator(awaiting, on_commit):
    brand = awaiting.brand
    assert (awaiting.status, awaiting.step) == (Registration.Status.IN_REVIEW, "brand")
    assert (brand.status, brand.raw_status, brand.identity_status) == (
        ReviewStatus.IN_REVIEW,
        "APPROVED",
        "UNVERIFIED",
    )
    assert brand.otp_expires_at is not None
    [text] = otp_texts()
    assert "reply YES" in text["body"]
    [email] = [m for m in mail.outbox if m.subject == "Brand registration: in review"]
    assert "Reply YES to that text within 24 hours" in email.body
    # Polls while the owner hasn't answered change nothing.
    on_commit(poll_object, "brand", str(brand.pk), force=True)
    brand.refresh_from_db()
    assert brand.status == ReviewStatus.IN_REVIEW

    reply_to_otp(awaiting)
    on_commit(poll_object, "brand", str(brand.pk), force=True)
    registration = on_commit(drive_in_sandbox, awaiting)

    brand.refresh_from_db()
    assert (brand.status, brand.identity_status) == (ReviewStatus.APPROVED, "VERIFIED")
    assert registration.status == Registration.Status.APPROVED, registration.rejection_reason
    assert Campaign.objects.get(brand__sid=brand.sid).campaign_status == "VERIFIED"


def test_without_a_reply_in_24_hours_the_version_is_rejected(awaiting, on_commit):
    clock.advance(24 * 3600 + 60)
    on_commit(poll_object, "brand", str(awaiting.brand_id), force=True)
    registration = on_commit(drive_in_sandbox, awaiting)
    assert registration.status == Registration.Status.REJECTED
    assert "did not reply YES" in registration.rejection_reason
    assert registration.brand.errors[0]["code"] == 30752


def test_the_portal_shows_what_to_do_until_when_and_resends(awaiting, client, on_commit):
    owner = MembershipFactory(tenant=awaiting.tenant, role=Membership.Role.OWNER)
    client.force_login(owner.user)
    page = client.get(reverse("compliance:index")).content.decode()
    expires = awaiting.brand.otp_expires_at
    assert f"Twilio has texted {OWNER_MOBILE}" in page and "Reply YES" in page
    assert f'datetime="{expires.isoformat()}"' in page
    assert f"/sandbox/handset/?number=%2B{OWNER_MOBILE[1:]}" in page
    resend_url = reverse("compliance:resend-otp", args=[awaiting.pk])
    assert resend_url in page

    response = on_commit(client.post, resend_url)
    assert response.status_code == 302
    assert len(otp_texts()) == 2
    awaiting.brand.refresh_from_db()
    assert awaiting.brand.otp_resend_requested_at is None
    assert awaiting.brand.otp_expires_at > expires
    assert AuditEvent.objects.filter(action="a2p.brand.otp_resend_requested").count() == 1


def test_a_member_without_the_manage_role_cannot_resend(awaiting, client):
    member = MembershipFactory(tenant=awaiting.tenant, role=Membership.Role.MEMBER)
    client.force_login(member.user)
    response = client.post(reverse("compliance:resend-otp", args=[awaiting.pk]))
    assert response.status_code == 403
    assert len(otp_texts()) == 1


def test_the_api_reports_the_wait_and_resends(awaiting, on_commit):
    api = APIClient()
    owner = MembershipFactory(tenant=awaiting.tenant, role=Membership.Role.OWNER)
    api.force_authenticate(owner.user)
    status = api.get("/api/v1/10dlc/status").json()
    otp = status["current"]["owner_otp"]
    assert otp["mobile"] == OWNER_MOBILE and otp["expires_at"] and not otp["resend_requested"]

    url = f"/api/v1/10dlc/registrations/{awaiting.pk}/resend-otp"
    response = on_commit(api.post, url)
    assert response.status_code == 202, response.content
    assert len(otp_texts()) == 2

    reply_to_otp(awaiting)
    on_commit(poll_object, "brand", str(awaiting.brand_id), force=True)
    body = api.get(f"/api/v1/10dlc/registrations/{awaiting.pk}").json()
    assert body["owner_otp"] is None
    again = api.post(url)
    assert again.status_code == 409
    assert again.json()["error"]["code"]


def test_a_repeated_resend_task_texts_once(awaiting, on_commit):
    from compliance.services import brand_otp_resend, brand_otp_send

    brand = on_commit(brand_otp_resend, registration=awaiting, actor=Actor.system())
    brand_otp_send(brand.pk)
    assert len(otp_texts()) == 2
    assert SandboxMessage.objects.filter(to_address=OWNER_MOBILE).count() == 2
