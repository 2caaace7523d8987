"""The registration chain through the sandbox: business profile to a verified campaign."""

import pytest
from django.core import mail

from compliance.gate import compliance_gate
from compliance.models import Registration, ReviewStatus, StatusTransition
from compliance.testing import register_and_verify
from compliance.tests.conftest import HANDSET
from isvplatform import gateway
from provisioning.models import MessagingService
from provisioning.selectors import messaging_service_for
from sandbox import clock
from sandbox.resources.messages.models import Message as SandboxMessage
from sandbox.resources.messaging_services.models import ServicePhoneNumber
from sandbox.resources.us_app_to_person.models import Campaign
from tenants.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_full_chain_ends_with_a_verified_campaign_and_numbers_attached(provisioned, on_commit):
    registration = on_commit(register_and_verify, provisioned.tenant)

    assert registration.status == Registration.Status.APPROVED
    assert registration.is_active and registration.version == 1
    for obj in (
        registration.customer_profile,
        registration.trust_product,
        registration.brand,
        registration.campaign,
    ):
        obj.refresh_from_db()
        assert obj.status == ReviewStatus.APPROVED, obj
        assert obj.sid and obj.next_poll_at is None
    assert registration.customer_profile.raw_status == "twilio-approved"
    assert registration.brand.raw_status == "APPROVED"
    assert registration.brand.brand_score is not None
    assert "225 messages/s" in registration.brand.throughput_tier
    assert registration.campaign.raw_status == "VERIFIED"

    service = messaging_service_for(provisioned.tenant)
    assert service.sid == registration.messaging_service_sid
    assert service.inbound_request_url.endswith("/webhooks/twilio/inbound")
    assert service.status_callback.endswith("/webhooks/twilio/status")
    provisioned.number.refresh_from_db()
    assert provisioned.number.messaging_service_id == service.pk
    assert ServicePhoneNumber.objects.filter(
        service__sid=service.sid, phone_number__sid=provisioned.number.sid
    ).exists()
    assert Campaign.objects.get(messaging_service_sid=service.sid).campaign_status == "VERIFIED"

    # Every move was recorded, audited and emailed to the owner.
    moves = StatusTransition.objects.for_tenant(provisioned.tenant)
    assert moves.filter(object_type="campaign", to_status="approved").count() == 1
    assert moves.filter(object_type="registration", to_status="approved").count() == 1
    assert AuditEvent.objects.filter(
        tenant=provisioned.tenant, action="a2p.brand.approved"
    ).exists()
    assert any("campaign registration" in m.subject.lower() for m in mail.outbox)


def test_a_message_allowed_by_the_gate_is_delivered_by_the_carriers(provisioned):
    register_and_verify(provisioned.tenant)
    service = MessagingService.objects.for_tenant(provisioned.tenant).get()

    class Sender:
        channel, to, from_number, via_master, number = "sms", HANDSET, "", False, None
        messaging_service_sid = service.sid

    compliance_gate(provisioned.tenant, Sender())  # no error
    client = gateway.account_client(provisioned.sub.sid, provisioned.sub.auth_token)
    sent = gateway.send_message(client, HANDSET, messaging_service_sid=service.sid, body="Hi")
    clock.advance(10)
    message = SandboxMessage.objects.get(sid=sent.sid)
    assert (message.status, message.error_code) == ("delivered", None)


def test_without_a_verified_campaign_the_carriers_filter_with_30034(provisioned):
    client = gateway.account_client(provisioned.sub.sid, provisioned.sub.auth_token)
    sent = gateway.send_message(
        client, HANDSET, from_=provisioned.number.phone_number, body="Hello"
    )
    clock.advance(10)
    message = SandboxMessage.objects.get(sid=sent.sid)
    assert (message.status, message.error_code) == ("failed", 30034)


@pytest.mark.parametrize(
    ("overrides", "tier", "policy"),
    [
        (
            {"brand_type": "LOW_VOLUME_STANDARD"},
            "Low-volume standard",
            "RNdfbf3fae0e1107f8aded0e7cead80bf5",
        ),
        (
            {
                "brand_type": "SOLE_PROPRIETOR",
                "use_case": "SOLE_PROPRIETOR",
                "business_type": "sole_proprietorship",
                "legal_name": "Dana Doe",
                "ein": "",
            },
            "Sole proprietor",
            "RN806dd6cd175f314e1f96a9727ee271f4",
        ),
    ],
)
def test_low_volume_and_sole_proprietor_brands(provisioned, overrides, tier, policy):
    registration = register_and_verify(provisioned.tenant, **overrides)
    assert registration.status == Registration.Status.APPROVED, registration.rejection_reason
    brand = registration.brand
    assert brand.brand_score is None and brand.throughput_tier.startswith(tier)
    assert registration.customer_profile.policy_sid == policy
    assert registration.campaign.use_case == overrides.get("use_case", "MIXED")
