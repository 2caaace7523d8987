"""Connecting a number to WhatsApp: the owner's request (checked against Meta's rules), the
Twilio sender it becomes, and the verification code Meta sends to the number.

Every Twilio call runs in a task on a claimed row (`common.claimed`), never inside a
transaction; the owner's actions only write rows and enqueue.
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from isvplatform.public import absolute_url
from provisioning.accounts import NoTwilioAccount
from provisioning.models import PhoneNumber
from tenants.models import Tenant
from tenants.services import Actor, record_audit
from whatsapp import enqueue
from whatsapp.models import TWILIO_STATUSES, SenderStatus, VerificationMethod, WhatsAppSender
from whatsapp.services.common import (
    SenderConflict,
    claimed,
    client_for,
    locked,
    poll_delay,
    record_event,
    save_fields,
    transition,
)
from whatsapp.validation import clean_code, clean_profile, clean_waba_id

logger = logging.getLogger(__name__)
PROFILE_FIELDS = ("about", "address", "description", "logo_url", "vertical", "websites")


def available_numbers(tenant: Tenant | int):
    """The tenant's active numbers that are not already (being made) a WhatsApp sender."""
    taken = WhatsAppSender.objects.for_tenant(tenant).exclude(status=SenderStatus.REFUSED)
    return (
        PhoneNumber.objects.for_tenant(tenant)
        .filter(status=PhoneNumber.Status.ACTIVE, whatsapp_enabled=False)
        .exclude(pk__in=taken.values("phone_number_id"))
        .order_by("phone_number")
    )


def start_onboarding(
    *, tenant: Tenant, actor: Actor, phone_number: PhoneNumber | str, data: dict[str, Any]
) -> WhatsAppSender:
    """Register one of the tenant's numbers as a WhatsApp sender under its WABA (from Meta's
    Embedded Signup). Checked first; the Twilio call follows in a task."""
    number = available_numbers(tenant).filter(pk=getattr(phone_number, "pk", phone_number)).first()
    if number is None:
        raise ValidationError(
            {"phone_number": ["Choose one of your numbers that isn't on WhatsApp yet."]}
        )
    waba_id = clean_waba_id(data.get("waba_id", ""))
    profile = clean_profile(data)
    method = data.get("verification_method") or VerificationMethod.SMS
    if method not in VerificationMethod.values:
        raise ValidationError({"verification_method": ["Choose SMS or a voice call."]})
    with transaction.atomic():
        sender = WhatsAppSender.objects.create(
            tenant=tenant,
            phone_number=number,
            waba_id=waba_id,
            verification_method=method,
            next_poll_at=timezone.now(),
            created_by=actor.user if actor.user and actor.user.is_authenticated else None,
            **profile,
        )
        record_event(sender, SenderStatus.SUBMITTING)
        record_audit(
            tenant=tenant,
            actor=actor,
            action="whatsapp.sender.requested",
            target=sender,
            changes={
                "phone_number": number.phone_number,
                "waba_id": waba_id,
                "display_name": profile["display_name"],
            },
        )
        enqueue.submit(sender.pk)
    return sender


def _profile(sender: WhatsAppSender) -> dict[str, Any]:
    profile: dict[str, Any] = {"name": sender.display_name}
    profile.update({field: getattr(sender, field) for field in PROFILE_FIELDS})
    profile["websites"] = [{"website": url, "label": "Website"} for url in sender.websites]
    if sender.email:
        profile["emails"] = [{"email": sender.email, "label": "Email"}]
    return profile


def _webhook() -> dict[str, str]:
    """Inbound WhatsApp and message statuses reach the platform's usual Twilio endpoints."""
    from django.conf import settings

    return {
        "callback_url": absolute_url(settings.TWILIO_INBOUND_WEBHOOK_PATH),
        "callback_method": "POST",
        "status_callback_url": absolute_url(settings.TWILIO_STATUS_WEBHOOK_PATH),
    }


def _call_failed(sender: WhatsAppSender, err: Exception) -> None:
    code = getattr(err, "code", None)
    save_fields(
        sender,
        last_error_code=code,
        last_error_message=str(getattr(err, "message", "") or err),
        poll_attempts=sender.poll_attempts + 1,
        next_poll_at=timezone.now() + poll_delay(sender, sender.poll_attempts + 1),
    )


def submit_sender(sender_id: str) -> WhatsAppSender | None:
    """Create the sender in Twilio (task; idempotent: only a sender not yet sent qualifies)."""
    with claimed(sender_id, status=SenderStatus.SUBMITTING, sid="") as held:
        if held is None:
            return WhatsAppSender.objects.filter(pk=sender_id).first()
        sender = WhatsAppSender.objects.select_related("tenant", "phone_number").get(pk=sender_id)
        try:
            found = gateway.create_whatsapp_sender(
                client_for(sender.tenant),
                phone_number=sender.phone_number.phone_number,
                waba_id=sender.waba_id,
                profile=_profile(sender),
                verification_method=sender.verification_method,
                webhook=_webhook(),
            )
        except (gateway.RetryableGatewayError, gateway.AuthenticationError, NoTwilioAccount) as err:
            _call_failed(sender, err)
            return sender
        except gateway.GatewayError as err:
            with transaction.atomic():
                sender = locked(held)
                save_fields(
                    sender,
                    last_error_code=err.code,
                    last_error_message=err.twilio_message or err.message,
                    next_poll_at=None,
                )
                transition(sender, SenderStatus.REFUSED, reason=sender.last_error_message)
            return sender
        with transaction.atomic():
            sender = locked(held)
            save_fields(sender, sid=found.sid, raw_status=found.status, poll_attempts=0)
            transition(sender, TWILIO_STATUSES.get(found.status, SenderStatus.CREATING))
            save_fields(sender, next_poll_at=timezone.now() + poll_delay(sender, 0))
        return sender


def submit_code(*, sender: WhatsAppSender, actor: Actor, code: str) -> WhatsAppSender:
    """The owner typed the code Meta sent to the number; a task hands it to Twilio."""
    digits = clean_code(code)
    if not sender.awaits_code:
        raise SenderConflict(
            f"This sender is {sender.get_status_display().lower()}; it takes no code now."
        )
    with transaction.atomic():
        sender.pending_code = digits
        sender.last_error_code, sender.last_error_message = None, ""
        sender.save(update_fields=["pending_code", "last_error_code", "last_error_message"])
        record_audit(
            tenant=sender.tenant,
            actor=actor,
            action="whatsapp.sender.code_submitted",
            target=sender,
        )
        enqueue.verify(sender.pk)
    return sender


def verify_sender(sender_id: str) -> WhatsAppSender | None:
    """Send the owner's code to Twilio (task). A wrong code leaves the sender waiting for
    another, with Twilio's words on the page and the timeline."""
    with claimed(sender_id, status=SenderStatus.PENDING_VERIFICATION) as held:
        sender = WhatsAppSender.objects.select_related("tenant", "phone_number").get(pk=sender_id)
        if held is None or not sender.pending_code:
            return sender
        code = sender.pending_code.reveal()
        try:
            status = gateway.verify_whatsapp_sender(client_for(sender.tenant), sender.sid, code)
        except gateway.RejectedRequest as err:
            with transaction.atomic():
                sender = locked(held)
                sender.pending_code = ""
                sender.last_error_code = err.code
                sender.last_error_message = err.twilio_message or err.message
                sender.save(update_fields=["pending_code", "last_error_code", "last_error_message"])
                record_event(
                    sender,
                    SenderStatus.PENDING_VERIFICATION,
                    from_status=sender.status,
                    reason=f"Code refused: {sender.last_error_message}",
                )
            return sender
        except (gateway.GatewayError, NoTwilioAccount) as err:
            _call_failed(sender, err)  # the code stays; the next poll hands it over again
            return sender
        with transaction.atomic():
            sender = locked(held)
            sender.pending_code = ""
            sender.raw_status = status
            sender.save(update_fields=["pending_code", "raw_status"])
            transition(sender, TWILIO_STATUSES.get(status, SenderStatus.VERIFYING))
            save_fields(
                sender, poll_attempts=0, next_poll_at=timezone.now() + poll_delay(sender, 0)
            )
        return sender


def request_new_code(*, sender: WhatsAppSender, actor: Actor, method: str) -> WhatsAppSender:
    """Ask Meta for a new code, by SMS or by a voice call."""
    if method not in VerificationMethod.values:
        raise ValidationError({"method": ["Choose SMS or a voice call."]})
    if not sender.awaits_code:
        raise SenderConflict("A new code can be sent only while the sender waits for one.")
    with transaction.atomic():
        save_fields(sender, resend_method=method, verification_method=method)
        record_audit(
            tenant=sender.tenant,
            actor=actor,
            action="whatsapp.sender.code_requested",
            target=sender,
            changes={"method": method},
        )
        enqueue.resend(sender.pk)
    return sender


def resend_code(sender_id: str) -> WhatsAppSender | None:
    """Have Twilio (Meta) send a new code (task); a repeat finds nothing to do."""
    with claimed(sender_id, status=SenderStatus.PENDING_VERIFICATION) as held:
        sender = WhatsAppSender.objects.select_related("tenant").get(pk=sender_id)
        if held is None or not sender.resend_method:
            return sender
        try:
            gateway.resend_whatsapp_code(
                client_for(sender.tenant), sender.sid, sender.resend_method
            )
        except (gateway.GatewayError, NoTwilioAccount) as err:
            _call_failed(sender, err)
            return sender
        with transaction.atomic():
            sender = locked(held)
            method = sender.resend_method
            save_fields(sender, resend_method="")
            record_event(
                sender,
                sender.status,
                from_status=sender.status,
                reason=f"A new code was sent by {VerificationMethod(method).label.lower()}.",
            )
        return sender
