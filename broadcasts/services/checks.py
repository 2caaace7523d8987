"""What a broadcast must be to be saved and launched, each check naming the field to fix:
its channel, its text (known variables, messaging's length limit) or approved WhatsApp
template, its email (subject and HTML, or an email template), its audience, its sender
(for email a From address of a verified identity) and its schedule."""

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from broadcasts.models import Broadcast, Purpose
from broadcasts.services.common import LaunchRefused
from broadcasts.services.rendering import unknown_variables
from contacts.models import Audience
from content.models import MessageTemplate
from emails.models import EmailTemplate
from emails.services import verified_identity_for
from messaging.segments import MAX_BODY_CHARS
from messaging.services.template_sends import clean_template_variables, refuse_unsendable
from provisioning.selectors import active_numbers, messaging_service_for

CHANNELS = ("sms", "whatsapp", "email")
MAX_SUBJECT_CHARS = 998


def _uuid(value: Any, field: str, what: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, AttributeError) as err:
        raise ValidationError({field: f"An {what} id is a UUID."}) from err


def clean_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise ValidationError({"channel": "A broadcast goes out by SMS, WhatsApp or email."})
    return channel


def clean_purpose(purpose: str) -> str:
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": "The purpose is marketing or transactional."})
    return purpose


def clean_audience(tenant_id: int, audience_id: Any) -> Audience:
    pk = _uuid(audience_id, "audience", "audience")
    audience = Audience.objects.for_tenant(tenant_id).filter(pk=pk).first()
    if audience is None:
        raise ValidationError({"audience": "No audience with this id in your account."})
    return audience


def clean_body(tenant_id: int, body: str, channel: str) -> str:
    body = (body or "").strip()
    if "\x00" in body:
        raise ValidationError({"body": "The text can't contain NUL characters."})
    if channel == "sms" and not body:
        raise ValidationError({"body": "An SMS broadcast needs a text."})
    limit = settings.EMAIL_MAX_HTML_CHARS if channel == "email" else MAX_BODY_CHARS
    if len(body) > limit:
        raise ValidationError(
            {"body": f"The text has {len(body)} characters; the limit is {limit}."}
        )
    _known_only(tenant_id, body, "body")
    return body


def _known_only(tenant_id: int, text: str, field: str) -> None:
    unknown = unknown_variables(text, tenant_id)
    if unknown:
        names = ", ".join(f"{{{{{name}}}}}" for name in unknown)
        raise ValidationError(
            {field: f"Unknown variable {names}: use first_name, last_name, phone, email or "
             "the key of one of your contact fields."}
        )  # fmt: skip


def _email_template(tenant_id: int, template_id: Any) -> EmailTemplate:
    pk = _uuid(template_id, "email_template", "email template")
    template = EmailTemplate.objects.for_tenant(tenant_id).filter(pk=pk).first()
    if template is None:
        raise ValidationError({"email_template": "No email template with this id in your account."})
    return template


def clean_email(
    tenant_id: int, channel: str, subject: str, html: str, body: str, template_id: Any
) -> tuple[str, str, EmailTemplate | None]:
    """An email broadcast's subject and HTML (or text), or its email template; none of
    them for SMS or WhatsApp."""
    subject, html = (subject or "").strip(), (html or "").strip()
    if channel != "email":
        for field, value in (("subject", subject), ("html", html), ("email_template", template_id)):
            if value:
                raise ValidationError({field: "Only an email broadcast has this."})
        return "", "", None
    if template_id:
        for field, value in (("subject", subject), ("html", html), ("body", body)):
            if value:
                raise ValidationError(
                    {field: "The email template gives the subject and the content; leave "
                     "this empty, or send without a template."}
                )  # fmt: skip
        template = _email_template(tenant_id, template_id)
        _known_only(tenant_id, f"{template.subject} {template.html} {template.text}",
                    "email_template")  # fmt: skip
        return "", "", template
    if not subject:
        raise ValidationError({"subject": "An email broadcast needs a subject."})
    if len(subject) > MAX_SUBJECT_CHARS or "\r" in subject or "\n" in subject or "\x00" in subject:
        raise ValidationError(
            {"subject": f"A subject is one line of up to {MAX_SUBJECT_CHARS} characters."}
        )
    if not html and not (body or "").strip():
        raise ValidationError({"html": "An email broadcast needs HTML or a text (or a template)."})
    if len(html) > settings.EMAIL_MAX_HTML_CHARS or "\x00" in html:
        raise ValidationError(
            {"html": f"The HTML is limited to {settings.EMAIL_MAX_HTML_CHARS} characters."}
        )
    _known_only(tenant_id, subject, "subject")
    _known_only(tenant_id, html, "html")
    return subject, html, None


def clean_email_sender(tenant_id: int, from_address: str, messaging_service_sid: str) -> str:
    """An email broadcast's From: an address of one of the tenant's verified identities."""
    address = (from_address or "").strip().lower()
    if (messaging_service_sid or "").strip():
        raise ValidationError({"messaging_service": "An email broadcast has no messaging service."})
    if not address:
        raise ValidationError({"from_number": "An email broadcast needs a From address."})
    try:
        validate_email(address)
    except ValidationError as err:
        raise ValidationError({"from_number": f"{address} is not an email address."}) from err
    if verified_identity_for(tenant_id, address) is None:
        raise ValidationError(
            {"from_number": f"{address} is not on a verified sending domain or address of "
             "yours: add it under Email and wait for it to be verified."}
        )  # fmt: skip
    return address


def clean_template(
    tenant_id: int, channel: str, template_id: Any, variables: Any
) -> tuple[MessageTemplate | None, dict[str, str]]:
    """A WhatsApp broadcast's approved template and its variables (which may use the
    contact's variables); none for SMS."""
    if channel != "whatsapp":
        if template_id:
            raise ValidationError({"template": "Only a WhatsApp broadcast sends a template."})
        return None, {}
    if not template_id:
        raise ValidationError({"template": "A WhatsApp broadcast sends an approved template."})
    pk = _uuid(template_id, "template", "template")
    template = MessageTemplate.objects.for_tenant(tenant_id).filter(pk=pk).first()
    if template is None:
        raise ValidationError({"template": "No template with this id in your account."})
    refuse_unsendable(template)
    if variables is not None and not isinstance(variables, dict):
        raise ValidationError({"template_variables": "The variables are an object."})
    cleaned = clean_template_variables(template, variables, "template_variables")
    for value in cleaned.values():
        unknown = unknown_variables(value, tenant_id)
        if unknown:
            raise ValidationError({"template_variables": f"Unknown variable {{{{{unknown[0]}}}}}."})
    return template, cleaned


def clean_sender(
    tenant_id: int, channel: str, from_number: str, messaging_service_sid: str
) -> tuple[str, str]:
    """A number of the tenant (WhatsApp-enabled for WhatsApp) or its messaging service;
    neither means messaging's own choice (the tenant's service, else its primary number).
    Email: `clean_email_sender`."""
    if channel == "email":
        return clean_email_sender(tenant_id, from_number, messaging_service_sid), ""
    from_number, service_sid = (from_number or "").strip(), (messaging_service_sid or "").strip()
    if from_number and service_sid:
        raise ValidationError({"from_number": "Give a number or a messaging service, not both."})
    if from_number:
        numbers = active_numbers(tenant_id).filter(phone_number=from_number)
        if channel == "whatsapp":
            numbers = numbers.filter(whatsapp_enabled=True)
        if not numbers.exists():
            what = "a WhatsApp-enabled" if channel == "whatsapp" else "an active"
            raise ValidationError({"from_number": f"{from_number} is not {what} number of yours."})
    if service_sid:
        service = messaging_service_for(tenant_id)
        if channel == "whatsapp" or service is None or service.sid != service_sid:
            raise ValidationError(
                {"messaging_service": "Not a messaging service of yours for this channel."}
            )
    return from_number, service_sid


def clean_schedule(scheduled_at: datetime | None) -> datetime | None:
    if scheduled_at is not None and scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": "The time to send is in the future, or none."})
    return scheduled_at


def check_launchable(broadcast: Broadcast) -> None:
    """Refuse a launch that can't go out as it stands (things change after saving: a
    template paused by Meta, a number released), naming the field."""
    tenant_id = broadcast.tenant_id
    try:
        clean_body(tenant_id, broadcast.body, broadcast.channel)
        clean_template(
            tenant_id, broadcast.channel, broadcast.template_id, broadcast.template_variables
        )
        clean_email(
            tenant_id,
            broadcast.channel,
            broadcast.subject,
            broadcast.html,
            broadcast.body,
            broadcast.email_template_id,
        )
        clean_sender(
            tenant_id, broadcast.channel, broadcast.from_number, broadcast.messaging_service_sid
        )
    except ValidationError as err:
        field, messages = next(iter(err.message_dict.items()))
        raise LaunchRefused(field, messages[0]) from err
