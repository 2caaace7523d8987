"""Telling people about a template's moves: the tenant's owners by email, and the tenant's
webhooks subscribed to `template.status`."""

import logging
from typing import Any

from django.core.mail import send_mail
from django.template.loader import render_to_string

from compliance.notify import owner_emails
from content.models import TemplateEvent
from isvplatform.labels import label_for
from isvplatform.public import absolute_url

logger = logging.getLogger(__name__)

WEBHOOK_EVENT_TYPE = "template.status"
ANNOUNCED = (TemplateEvent.Kind.STATUS, TemplateEvent.Kind.CATEGORY)


def event_data(event: TemplateEvent) -> dict[str, Any]:
    """The `data` of a `template.status` webhook event."""
    template = event.template
    return {
        "template_id": str(template.pk),
        "name": template.name,
        "language": template.language,
        "version": template.version,
        "content_sid": template.content_sid or None,
        "change": "category" if event.kind == TemplateEvent.Kind.CATEGORY else "status",
        "from_status": None if event.kind == TemplateEvent.Kind.CATEGORY else event.from_value,
        "status": template.status,
        "twilio_status": template.raw_status or None,
        "rejection_reason": template.rejection_reason or None,
        "category": template.category,
        "meta_category": template.meta_category or None,
        "reason": event.reason or None,
        "at": event.at.isoformat(),
    }


def email_owners(event: TemplateEvent) -> int:
    recipients = owner_emails(event.template.tenant)
    if not recipients:
        return 0
    template = event.template
    if event.kind == TemplateEvent.Kind.CATEGORY:
        subject = f"WhatsApp template {template.name}: Meta filed it as {event.to_value.lower()}"
    else:
        words = label_for(event.to_value, "template_status").lower()
        subject = f"WhatsApp template {template.name}: {words}"
    context = {
        "event": event,
        "template": template,
        "tenant": template.tenant,
        "status_words": label_for(template.status, "template_status").lower(),
        "portal_url": absolute_url(f"/templates/{template.pk}/"),
    }
    body = render_to_string("content/email/status.txt", context)
    return send_mail(subject, body, None, recipients, fail_silently=False)


def emit_webhook_event(event: TemplateEvent) -> int:
    from webhooks.services import emit_event

    return emit_event(
        tenant_id=event.tenant_id, event_type=WEBHOOK_EVENT_TYPE, data=event_data(event)
    )


def announce(event_id: int) -> None:
    """Email and webhook for one status or category move (run after the commit)."""
    event = (
        TemplateEvent.objects.select_related("template", "template__tenant")
        .filter(pk=event_id, kind__in=ANNOUNCED)
        .first()
    )
    if event is None:
        return
    try:
        email_owners(event)
    except Exception:
        # An unreachable mail server must not undo or block the template's own state.
        logger.exception("could not email the owners about template event %s", event_id)
    emit_webhook_event(event)
