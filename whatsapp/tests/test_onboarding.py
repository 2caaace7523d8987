"""Onboarding a sender through the real sandbox: request, Twilio sender, the code from the
handset simulator (a wrong one first), polling to ONLINE, emails, audit and the number."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from sandbox.services import enable_whatsapp
from sandbox.testing import authenticated_calls
from tenants.models import AuditEvent
from tenants.services import Actor
from whatsapp import services
from whatsapp.models import SenderStatus, WhatsAppSender
from whatsapp.tests.conftest import PROFILE, advance, code_sent_to

pytestmark = pytest.mark.django_db


def start(on_commit, provisioned, waba_id="123456789012345", **overrides):
    return on_commit(
        services.start_onboarding,
        tenant=provisioned.tenant,
        actor=Actor.system(),
        phone_number=provisioned.number,
        data={**PROFILE, "waba_id": waba_id, **overrides},
    )


def poll(sender):
    return services.poll_sender(str(sender.pk), force=True)


def test_a_sender_goes_online_after_a_wrong_code_then_the_right_one(provisioned, on_commit):
    sender = start(on_commit, provisioned)
    sender.refresh_from_db()
    assert sender.sid.startswith("XE") and sender.status == SenderStatus.CREATING
    advance(5)
    assert poll(sender).status == SenderStatus.PENDING_VERIFICATION
    sender.refresh_from_db()

    on_commit(services.submit_code, sender=sender, actor=Actor.system(), code="000-001")
    sender.refresh_from_db()
    assert sender.status == SenderStatus.PENDING_VERIFICATION
    assert "does not match" in sender.last_error_message
    assert not sender.pending_code
    assert any("Code refused" in e.reason for e in sender.events.all())

    code = code_sent_to(provisioned.number.phone_number)
    on_commit(services.submit_code, sender=sender, actor=Actor.system(), code=code)
    sender.refresh_from_db()
    assert sender.status == SenderStatus.VERIFYING and sender.last_error_message == ""
    advance(5)
    mail.outbox.clear()
    on_commit(poll, sender)
    sender.refresh_from_db()
    assert sender.status == SenderStatus.ONLINE
    assert (sender.quality_rating, sender.messaging_limit) == ("HIGH", "250 Customers/24hr")
    assert sender.online_at is not None
    provisioned.number.refresh_from_db()
    assert provisioned.number.whatsapp_enabled is True
    assert [m.subject for m in mail.outbox] == [
        f"Your WhatsApp sender {provisioned.number.phone_number} is online"
    ]
    statuses = [e.to_status for e in sender.events.all()]
    assert statuses[0] == SenderStatus.SUBMITTING and statuses[-1] == SenderStatus.ONLINE
    actions = set(
        AuditEvent.objects.filter(tenant=provisioned.tenant).values_list("action", flat=True)
    )
    assert {"whatsapp.sender.requested", "whatsapp.sender.online"} <= actions


def test_meta_rules_are_checked_before_any_twilio_call(provisioned, on_commit):
    with authenticated_calls() as calls, pytest.raises(ValidationError) as caught:
        start(on_commit, provisioned, display_name="WhatsApp Coffee", about="x" * 140)
    assert set(caught.value.message_dict) == {"display_name", "about"}
    assert calls == [] and not WhatsAppSender.objects.exists()
    with pytest.raises(ValidationError) as websites:
        start(on_commit, provisioned, websites=[f"https://w{i}.example.com" for i in range(3)])
    assert "websites" in websites.value.message_dict


def test_a_voice_code_can_be_replaced_by_an_sms(provisioned, on_commit):
    sender = start(on_commit, provisioned, verification_method="voice")
    advance(5)
    poll(sender)
    sender.refresh_from_db()
    on_commit(services.request_new_code, sender=sender, actor=Actor.system(), method="sms")
    sender.refresh_from_db()
    assert sender.resend_method == "" and sender.verification_method == "sms"
    assert any("new code was sent by text" in e.reason.lower() for e in sender.events.all())
    code = code_sent_to(provisioned.number.phone_number)
    on_commit(services.submit_code, sender=sender, actor=Actor.system(), code=code)
    sender.refresh_from_db()
    assert sender.status == SenderStatus.VERIFYING


def test_an_unusable_waba_goes_offline_with_twilios_reason_and_the_owner_hears(
    provisioned, on_commit
):
    sender = start(on_commit, provisioned, waba_id="000123456789")
    advance(5)
    mail.outbox.clear()
    on_commit(poll, sender)
    sender.refresh_from_db()
    assert sender.status == SenderStatus.OFFLINE
    assert sender.offline_reasons[0]["code"] == "63101"
    assert "63101" in sender.events.last().reason
    assert "offline" in mail.outbox[0].subject


def test_twilio_refusing_the_sender_is_recorded(provisioned, on_commit):
    enable_whatsapp(provisioned.number.phone_number)  # a sender already, outside the platform
    sender = start(on_commit, provisioned)
    sender.refresh_from_db()
    assert sender.status == SenderStatus.REFUSED
    assert "already registered" in sender.last_error_message
    assert sender.next_poll_at is None


def test_the_beat_polls_due_senders_with_backoff(provisioned, on_commit, settings):
    sender = start(on_commit, provisioned)
    sender.refresh_from_db()
    assert services.due_senders() == []  # the next poll is 5 seconds out
    WhatsAppSender.objects.filter(pk=sender.pk).update(next_poll_at=sender.created_at)
    assert services.due_senders() == [("poll", str(sender.pk))]
    first = poll(sender)  # still CREATING in the sandbox: backs off
    second = services.poll_sender(str(sender.pk), force=True)
    assert first.poll_attempts == 1 and second.poll_attempts == 2
    assert second.next_poll_at > first.next_poll_at


def test_a_code_is_refused_when_none_is_awaited(provisioned, on_commit):
    sender = start(on_commit, provisioned)
    with pytest.raises(services.SenderConflict):
        services.submit_code(sender=sender, actor=Actor.system(), code="123456")
    with pytest.raises(ValidationError):
        services.submit_code(sender=sender, actor=Actor.system(), code="12")


def test_a_code_whose_call_failed_goes_again_after_the_next_poll(provisioned, on_commit):
    from sandbox import faults

    sender = start(on_commit, provisioned)
    advance(5)
    poll(sender)
    sender.refresh_from_db()
    code = code_sent_to(provisioned.number.phone_number)
    with faults.injected(rate_500=1.0, path_pattern="/v2/Channels/Senders/"):
        on_commit(services.submit_code, sender=sender, actor=Actor.system(), code=code)
    sender.refresh_from_db()
    assert sender.status == SenderStatus.PENDING_VERIFICATION
    assert sender.pending_code and sender.last_error_message
    on_commit(poll, sender)
    sender.refresh_from_db()
    assert sender.status == SenderStatus.VERIFYING and not sender.pending_code
