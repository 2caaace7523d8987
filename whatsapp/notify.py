"""Telling the tenant's owners by email when a sender goes online, offline or is refused
(the owners compliance emails; compliance/notify.py)."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string

from compliance.notify import owner_emails
from isvplatform.public import absolute_url
from whatsapp.models import SenderEvent, SenderStatus

logger = logging.getLogger(__name__)

SUBJECTS = {
    SenderStatus.ONLINE: "Your WhatsApp sender {number} is online",
    SenderStatus.OFFLINE: "Your WhatsApp sender {number} is offline",
    SenderStatus.REFUSED: "Twilio refused the WhatsApp sender {number}",
}


def announce(event_id: int) -> int:
    """Email the owners about one recorded move (after the commit); a mail failure is logged,
    never undoes the move."""
    event = (
        SenderEvent.objects.select_related("tenant", "sender__phone_number")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.to_status not in SUBJECTS:
        return 0
    recipients = owner_emails(event.tenant)
    if not recipients:
        return 0
    sender = event.sender
    number = sender.phone_number.phone_number
    context = {
        "tenant": event.tenant,
        "event": event,
        "sender": sender,
        "status_label": SenderStatus(event.to_status).label,
        "portal_url": absolute_url(f"/whatsapp/{sender.pk}/"),
    }
    body = render_to_string("whatsapp/email/status.txt", context)
    try:
        return send_mail(SUBJECTS[event.to_status].format(number=number), body, None, recipients)
    except Exception:
        logger.exception("could not email the owners about WhatsApp sender event %s", event_id)
        return 0
