"""The sending gate: US SMS from a 10DLC number needs a verified campaign, US/CA SMS from a
toll-free number an approved toll-free verification; the refusal names the missing step, and
nothing reaches Twilio."""

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError

from compliance.gate import compliance_gate, missing_step
from compliance.models import Registration, ReviewStatus
from compliance.services import registration_submit
from compliance.testing import register_and_verify, valid_submission
from compliance.tests.conftest import HANDSET
from compliance.tests.factories import TollFreeVerificationFactory
from compliance.tests.polling_helpers import until_brand_submitted
from messaging.models import Message
from messaging.services import message_send
from provisioning.models import PhoneNumber
from provisioning.tests.factories import MessagingServiceFactory, PhoneNumberFactory
from sandbox.resources.messages.models import Message as SandboxMessage
from tenants.services import Actor

pytestmark = pytest.mark.django_db


@dataclass
class Sender:
    from_number: str = ""
    messaging_service_sid: str = ""
    to: str = HANDSET
    channel: str = "sms"
    via_master: bool = False
    number: PhoneNumber | None = None


def refusal(tenant, sender) -> str:
    with pytest.raises(ValidationError) as err:
        compliance_gate(tenant, sender)
    return " ".join(err.value.message_dict["from"])


def test_an_unregistered_tenant_is_refused_naming_the_step(provisioned):
    message = refusal(provisioned.tenant, Sender(provisioned.number.phone_number))
    assert "step: registration not submitted" in message


def test_the_refusal_names_the_step_in_progress(provisioned):
    registration = registration_submit(
        tenant=provisioned.tenant, data=valid_submission(), actor=Actor.system()
    )
    until_brand_submitted(registration)
    message = refusal(provisioned.tenant, Sender(provisioned.number.phone_number))
    assert "not verified yet (step: brand registration pending)" in message


def test_a_rejected_registration_is_named_with_its_reason(provisioned):
    register_and_verify(provisioned.tenant, legal_name="Mismatch Coffee Roasters LLC")
    message = refusal(provisioned.tenant, Sender(provisioned.number.phone_number))
    assert "step: brand registration rejected" in message
    assert "IRS" in message


def test_the_messaging_service_sender_needs_its_campaign(provisioned):
    registration = registration_submit(
        tenant=provisioned.tenant, data=valid_submission(), actor=Actor.system()
    )
    until_brand_submitted(registration)
    registration.refresh_from_db()
    sender = Sender(messaging_service_sid=registration.messaging_service_sid)
    assert "brand registration pending" in refusal(provisioned.tenant, sender)


def test_a_verified_campaign_lets_the_tenant_send(provisioned):
    register_and_verify(provisioned.tenant)
    compliance_gate(provisioned.tenant, Sender(provisioned.number.phone_number))
    assert "(step: messaging service)" in missing_step(provisioned.tenant)


def test_what_the_rule_does_not_cover_passes(tenant):
    toll_free = TollFreeVerificationFactory(tenant=tenant, status=ReviewStatus.APPROVED)
    number = toll_free.phone_number
    local = PhoneNumberFactory(tenant=tenant, phone_number="+14155550123")
    compliance_gate(tenant, Sender(number.phone_number, number=number))
    compliance_gate(tenant, Sender(local.phone_number, to="+447700900123", number=local))
    compliance_gate(tenant, Sender(local.phone_number, channel="whatsapp", number=local))


def test_a_demo_tenant_gets_no_exemption_from_the_gate(tenant):
    tenant.is_demo = True
    tenant.save(update_fields=["is_demo"])
    local = PhoneNumberFactory(tenant=tenant, phone_number="+14155550123")
    assert "A2P 10DLC" in refusal(tenant, Sender(local.phone_number, number=local))


def test_the_messaging_send_refuses_before_anything_reaches_twilio(provisioned):
    with pytest.raises(ValidationError) as err:
        message_send(tenant=provisioned.tenant, to=HANDSET, body="Hi", actor=Actor.system())
    assert "A2P 10DLC" in " ".join(err.value.message_dict["from"])
    assert not Message.objects.exists()
    assert not SandboxMessage.objects.filter(to_address=HANDSET).exists()
    assert not Registration.objects.exists()


def test_a_toll_free_number_needs_an_approved_verification(tenant):
    number = PhoneNumberFactory(
        tenant=tenant, phone_number="+18885550100", number_type=PhoneNumber.NumberType.TOLL_FREE
    )
    assert "toll-free verification not submitted" in refusal(
        tenant, Sender(number.phone_number, number=number)
    )
    verification = TollFreeVerificationFactory(tenant=tenant, phone_number=number)
    assert "toll-free verification pending" in refusal(
        tenant, Sender(number.phone_number, number=number)
    )
    verification.status = ReviewStatus.REJECTED
    verification.failure_reason = "Opt-in error"
    verification.save()
    assert "rejected: Opt-in error" in refusal(tenant, Sender(number.phone_number, number=number))
    # Not US/CA traffic: Twilio's rule doesn't apply.
    compliance_gate(tenant, Sender(number.phone_number, to="+447700900123", number=number))
    TollFreeVerificationFactory(
        tenant=tenant, phone_number=number, version=2, status=ReviewStatus.APPROVED
    )
    compliance_gate(tenant, Sender(number.phone_number, number=number))


def test_a_service_pool_with_an_unverified_toll_free_number_is_refused(tenant):
    number = PhoneNumberFactory(
        tenant=tenant, phone_number="+18885550101", number_type=PhoneNumber.NumberType.TOLL_FREE
    )
    service = MessagingServiceFactory(tenant=tenant)
    PhoneNumber.objects.filter(pk=number.pk).update(messaging_service=service)
    sender = Sender(messaging_service_sid=service.sid)
    assert "+18885550101" in refusal(tenant, sender)
    TollFreeVerificationFactory(tenant=tenant, phone_number=number, status=ReviewStatus.APPROVED)
    compliance_gate(tenant, sender)
