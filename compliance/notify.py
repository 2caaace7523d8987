"""Telling people about a registration's moves: the tenant's owners by email, and the
tenant's webhooks when they subscribe to registration events."""

import logging
from typing import Any

from django.core.mail import send_mail
from django.template.loader import render_to_string

from compliance.models import StatusTransition, TollFreeVerification
from isvplatform.public import absolute_url
from tenants.models import Membership, Tenant

logger = logging.getLogger(__name__)

# The tenant-webhook event a transition is emitted as, once the webhooks app offers it.
WEBHOOK_EVENT_TYPE = "a2p.status"
# Toll-free verifications have their own event and portal page.
TOLL_FREE = "toll_free_verification"
EVENT_TYPES = {TOLL_FREE: "tollfree.status"}
PORTAL_PATHS = {TOLL_FREE: "/toll-free/"}

OBJECT_WORDS = {
    "registration": "10DLC registration",
    "customer_profile": "business profile (TrustHub)",
    "trust_product": "A2P messaging profile (TrustHub)",
    "brand": "brand registration",
    "campaign": "campaign registration",
    TOLL_FREE: "toll-free verification",
}


def owner_emails(tenant: Tenant) -> list[str]:
    return sorted(
        {
            email
            for email in Membership.objects.for_tenant(tenant)
            .filter(role=Membership.Role.OWNER)
            .values_list("user__email", flat=True)
            if email
        }
    )


def transition_data(transition: StatusTransition) -> dict[str, Any]:
    if transition.object_type == TOLL_FREE:
        return _toll_free_data(transition)
    return {
        "registration_id": str(transition.registration_id) if transition.registration_id else None,
        "object": transition.object_type,
        "object_id": transition.object_id,
        "sid": transition.sid or None,
        "from_status": transition.from_status or None,
        "status": transition.to_status,
        "twilio_status": transition.raw_status or None,
        "reason": transition.reason or None,
        "at": transition.at.isoformat(),
    }


def _toll_free_data(transition: StatusTransition) -> dict[str, Any]:
    verification = (
        TollFreeVerification.objects.select_related("phone_number")
        .filter(pk=transition.object_id)
        .first()
    )
    return {
        "verification_id": transition.object_id,
        "phone_number": verification.phone_number.phone_number if verification else None,
        "version": verification.version if verification else None,
        "sid": transition.sid or None,
        "from_status": transition.from_status or None,
        "status": transition.to_status,
        "twilio_status": transition.raw_status or None,
        "reason": transition.reason or None,
        "edit_expiration": (
            verification.edit_expiration.isoformat()
            if verification and verification.edit_expiration
            else None
        ),
        "at": transition.at.isoformat(),
    }


def email_owners(transition: StatusTransition) -> int:
    """Email the tenant's owners what moved and what they can do next."""
    recipients = owner_emails(transition.tenant)
    if not recipients:
        return 0
    what = OBJECT_WORDS.get(transition.object_type, transition.object_type)
    context = {
        "tenant": transition.tenant,
        "transition": transition,
        "what": what,
        "portal_url": absolute_url(PORTAL_PATHS.get(transition.object_type, "/10dlc/")),
    }
    subject = f"{what[:1].upper()}{what[1:]}: {transition.get_to_status_words()}"
    body = render_to_string("compliance/email/transition.txt", context)
    return send_mail(subject, body, None, recipients, fail_silently=False)


def emit_webhook_event(transition: StatusTransition) -> int:
    """Queue the transition for the tenant's webhooks if that event type exists there."""
    try:
        from webhooks.models import EventType
        from webhooks.services import emit_event
    except ImportError:
        return 0
    event_type = EVENT_TYPES.get(transition.object_type, WEBHOOK_EVENT_TYPE)
    if event_type not in EventType.values:
        return 0
    return emit_event(
        tenant_id=transition.tenant_id,
        event_type=event_type,
        data=transition_data(transition),
    )


def announce(transition_id: int) -> None:
    """Email and webhook for one recorded transition (run after the transaction commits)."""
    transition = StatusTransition.objects.select_related("tenant").filter(pk=transition_id).first()
    if transition is None:
        return
    try:
        email_owners(transition)
    except Exception:
        # An unreachable mail server must not undo or block the registration itself.
        logger.exception("could not email the owners about transition %s", transition_id)
    emit_webhook_event(transition)
