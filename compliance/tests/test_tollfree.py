"""Toll-free verification end to end through the sandbox: the gate refuses an unverified
toll-free sender, a valid submission is approved on the sandbox clock and the tenant sends; a
rejection is edited within Twilio's window (same SID) or resubmitted as a new verification
after it; every move is audited, emailed and sent to the tenant's webhooks."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from compliance.demo import drive_tollfree_in_sandbox
from compliance.models import ReviewStatus, StatusTransition
from compliance.notify import announce
from compliance.services import (
    ComplianceConflict,
    suggested_use_case,
    tollfree_due,
    tollfree_resubmit,
    tollfree_send,
    tollfree_submit,
)
from compliance.testing import complete_profile, submit_toll_free, verify_toll_free
from compliance.tests.conftest import HANDSET, Provisioned
from messaging.services import message_dispatch, message_send
from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.numbers import number_buy, number_search
from provisioning.services import subaccount_provision, subaccount_request
from sandbox import clock
from sandbox.resources.messages.models import Message as SandboxMessage
from sandbox.resources.tollfree_verifications.models import TollfreeVerification as Reviewed
from tenants.models import AuditEvent, BusinessProfile
from tenants.services import Actor
from webhooks.models import WebhookDelivery
from webhooks.tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db


def provision_toll_free(tenant) -> Provisioned:
    """An active subaccount with only a toll-free number, not yet verified."""
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    sub = subaccount_provision(str(sub.pk))
    assert sub.status == TwilioSubaccount.Status.ACTIVE
    offer = number_search(tenant=tenant, number_type="toll_free", limit=1)[0]
    number = number_buy(tenant=tenant, actor=Actor.system(), phone_number=offer.phone_number)
    number.refresh_from_db()
    assert number.number_type == PhoneNumber.NumberType.TOLL_FREE
    return Provisioned(tenant=tenant, sub=sub, number=number)


@pytest.fixture
def toll_free(tenant, owner) -> Provisioned:
    return provision_toll_free(tenant)


def refusal(tenant) -> str:
    with pytest.raises(ValidationError) as err:
        message_send(tenant=tenant, to=HANDSET, body="Acme: hi", actor=Actor.system())
    return " ".join(err.value.message_dict["from"])


def send(tenant) -> SandboxMessage:
    message = message_send(tenant=tenant, to=HANDSET, body="Acme: hi", actor=Actor.system())
    message_dispatch(str(message.pk))
    clock.advance(10)
    message.refresh_from_db()
    return SandboxMessage.objects.get(sid=message.sid)


def test_a_tenant_with_only_a_toll_free_number_verifies_it_and_sends(toll_free):
    tenant = toll_free.tenant
    assert "toll-free verification not submitted" in refusal(tenant)
    assert not SandboxMessage.objects.filter(to_address=HANDSET).exists()

    verification = submit_toll_free(tenant, toll_free.number)
    assert verification.status == ReviewStatus.DRAFT and verification.version == 1
    tollfree_send(str(verification.pk))
    verification.refresh_from_db()
    assert verification.sid.startswith("HH") and verification.status == ReviewStatus.SUBMITTED
    assert "toll-free verification pending" in refusal(tenant)

    verification = drive_tollfree_in_sandbox(verification)
    assert (verification.status, verification.raw_status) == ("approved", "TWILIO_APPROVED")
    reviewed = Reviewed.objects.get(sid=verification.sid)
    assert reviewed.fields["business_name"] == BusinessProfile.objects.get(tenant=tenant).legal_name
    assert reviewed.fields["external_reference_id"] == str(verification.pk)
    assert reviewed.fields["business_registration_authority"] == "EIN"
    moves = StatusTransition.objects.filter(object_id=str(verification.pk))
    assert [m.to_status for m in moves] == ["submitted", "in_review", "approved"]

    sent = send(tenant)
    assert (sent.status, sent.error_code) == ("delivered", None)


def test_a_rejection_is_edited_within_the_window_under_the_same_sid(toll_free, owner):
    tenant = toll_free.tenant
    complete_profile(tenant)
    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Mismatch Roasters LLC")
    endpoint = EndpointFactory(tenant=tenant, events=",tollfree.status,")
    owner.email = "owner@acme.example.com"
    owner.save()
    first = verify_toll_free(tenant, toll_free.number)
    assert first.status == ReviewStatus.REJECTED
    assert first.errors[0]["code"] == 30445 and "Invalid information" in first.failure_reason
    assert first.edit_allowed is True and first.can_edit
    assert "toll-free verification rejected: Invalid information" in refusal(tenant)

    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Acme Roasters LLC")
    data = suggested_use_case(tenant, edit_reason="Business name fixed")
    second = tollfree_resubmit(verification=first, actor=Actor(user=owner), data=data)
    assert (second.version, second.sid) == (2, first.sid)
    second = drive_tollfree_in_sandbox(second)
    assert second.status == ReviewStatus.APPROVED
    assert Reviewed.objects.get(sid=first.sid).fields["edit_reason"] == "Business name fixed"
    assert send(tenant).status == "delivered"

    actions = set(AuditEvent.objects.filter(tenant=tenant).values_list("action", flat=True))
    assert {
        "tollfree.verification.submitted",
        "tollfree.verification.edited",
        "tollfree.toll_free_verification.rejected",
        "tollfree.toll_free_verification.approved",
    } <= actions
    moves = StatusTransition.objects.filter(object_id__in=[str(first.pk), str(second.pk)])
    for move in moves:
        announce(move.pk)  # what the on-commit task does for each move
    events = WebhookDelivery.objects.filter(endpoint=endpoint, event_type="tollfree.status")
    statuses = [d.payload["data"]["status"] for d in events.order_by("created_at")]
    assert "rejected" in statuses and "approved" in statuses
    assert events.first().payload["data"]["phone_number"] == toll_free.number.phone_number


def test_after_the_edit_window_a_resubmission_is_a_new_verification(toll_free):
    tenant = toll_free.tenant
    complete_profile(tenant)
    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Mismatch Roasters LLC")
    first = verify_toll_free(tenant, toll_free.number)
    clock.advance(8 * 24 * 3600)
    first.edit_expiration = timezone.now() - timedelta(seconds=1)  # our clock passes it too
    first.save(update_fields=["edit_expiration"])
    assert not first.can_edit

    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Acme Roasters LLC")
    second = tollfree_submit(
        tenant=tenant,
        actor=Actor.system(),
        phone_number=toll_free.number,
        data=suggested_use_case(tenant),
    )
    assert second.version == 2 and second.sid == ""
    second = drive_tollfree_in_sandbox(second)
    assert second.sid != first.sid and second.status == ReviewStatus.APPROVED


def test_an_edit_twilio_finds_too_late_is_submitted_as_a_new_verification(toll_free):
    """The platform thought the window open, Twilio's clock says closed (30824)."""
    tenant = toll_free.tenant
    complete_profile(tenant)
    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Mismatch Roasters LLC")
    first = verify_toll_free(tenant, toll_free.number)
    clock.advance(8 * 24 * 3600)
    assert first.can_edit
    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Acme Roasters LLC")
    second = tollfree_resubmit(
        verification=first, actor=Actor.system(), data=suggested_use_case(tenant)
    )
    assert second.sid == first.sid
    second = drive_tollfree_in_sandbox(second)
    assert second.sid != first.sid and second.status == ReviewStatus.APPROVED


def test_preflight_names_each_field_to_fix_and_sends_nothing(toll_free):
    tenant = toll_free.tenant
    complete_profile(tenant)
    data = suggested_use_case(
        tenant,
        production_message_sample="Order ready! https://bit.ly/abc",
        opt_in_type="VERBAL",
        opt_in_image_urls=[],
        use_case_categories=["GAMBLING"],
        message_volume="lots",
    )
    with pytest.raises(ValidationError) as err:
        tollfree_submit(
            tenant=tenant, actor=Actor.system(), phone_number=toll_free.number, data=data
        )
    fields = err.value.message_dict
    assert {
        "production_message_sample",
        "opt_in_image_urls",
        "additional_information",
        "use_case_categories",
        "message_volume",
    } <= set(fields)
    assert any("shortener" in m for m in fields["production_message_sample"])
    assert not Reviewed.objects.exists()


def test_the_business_facts_come_from_the_business_profile(toll_free):
    tenant = toll_free.tenant
    complete_profile(tenant)
    BusinessProfile.objects.filter(tenant=tenant).update(address_street="")
    with pytest.raises(ValidationError) as err:
        tollfree_submit(
            tenant=tenant,
            actor=Actor.system(),
            phone_number=toll_free.number,
            # The form can't override the profile's facts.
            data={**suggested_use_case(tenant), "address_street": "1 Market St"},
        )
    assert "business profile" in err.value.message_dict["address_street"][0]


def test_one_open_verification_per_number_and_only_toll_free_numbers(toll_free, tenant):
    submit_toll_free(tenant, toll_free.number)
    with pytest.raises(ComplianceConflict):
        submit_toll_free(tenant, toll_free.number)
    local = number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    with pytest.raises(ValidationError):
        submit_toll_free(tenant, local)


def test_a_refusal_by_twilio_rejects_the_version_with_its_words(toll_free, settings):
    tenant = toll_free.tenant
    verification = submit_toll_free(tenant, toll_free.number)
    # The number leaves the account before the version reaches Twilio.
    Reviewed.objects.all().delete()
    PhoneNumber.objects.filter(pk=toll_free.number.pk).update(sid="PN" + "0" * 32)
    tollfree_send(str(verification.pk))
    verification.refresh_from_db()
    assert verification.status == ReviewStatus.REJECTED
    assert "Twilio refused the verification" in verification.failure_reason
    assert verification.edit_allowed is False


def test_the_beat_sends_waiting_versions_and_polls_the_ones_in_review(toll_free):
    verification = submit_toll_free(toll_free.tenant, toll_free.number)
    assert ("send", str(verification.pk)) in tollfree_due()
    tollfree_send(str(verification.pk))
    verification.refresh_from_db()
    verification.next_poll_at = clock.now()
    verification.save(update_fields=["next_poll_at"])
    assert tollfree_due() == [("poll", str(verification.pk))]


def test_the_owner_is_emailed_what_to_do_after_a_rejection(toll_free, owner):
    owner.email = "owner@acme.example.com"
    owner.save()
    tenant = toll_free.tenant
    complete_profile(tenant)
    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Mismatch Roasters LLC")
    verification = verify_toll_free(tenant, toll_free.number)
    move = StatusTransition.objects.get(object_id=str(verification.pk), to_status="rejected")
    mail.outbox.clear()
    announce(move.pk)
    (sent,) = [m for m in mail.outbox if m.to == ["owner@acme.example.com"]]
    assert sent.subject == "Toll-free verification: rejected"
    assert "/toll-free/" in sent.body and "7 days" in sent.body
