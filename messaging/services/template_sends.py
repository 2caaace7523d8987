"""WhatsApp templates in sends: the template a send names (by its id, or by its content SID),
whether it may be sent now, its variables checked against it, and the approved templates a
refusal points at when WhatsApp's 24-hour window is closed.

A template is sent only while Meta has it approved: a paused one (low quality, for hours) or a
disabled one refuses with the reason, as does one still in review or rejected. Every variable
the template uses must be given (Twilio would fill a missing one with its sample, which would
send a sample to a real customer); the lengths are Twilio's and Meta's (`content.rendering`).
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from content.models import MessageTemplate
from content.rendering import (
    MAX_VALUE_LENGTH,
    render,
    render_buttons,
    template_keys,
    validate_variables,
)
from content.selectors import approved_templates
from content.vocab import ApprovalStatus
from messaging.services.common import SendRefused
from tenants.models import Tenant

# How many approved templates a window-closed refusal lists.
SUGGESTED_TEMPLATES = 10


@dataclass(frozen=True)
class TemplateChoice:
    """An approved template, as a refusal or the reply box names it."""

    id: str
    name: str
    language: str
    category: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "language": self.language,
                "category": self.category}  # fmt: skip


def sendable_templates(tenant: Tenant, *, language: str | None = None) -> list[MessageTemplate]:
    """The tenant's approved templates, for the composer and the reply box."""
    return list(approved_templates(tenant, language=language))


def template_choices(tenant: Tenant, *, language: str | None = None) -> list[TemplateChoice]:
    return [
        TemplateChoice(str(t.pk), t.name, t.language, t.effective_category)
        for t in sendable_templates(tenant, language=language)[:SUGGESTED_TEMPLATES]
    ]


def _by_id(tenant: Tenant, template_id: str) -> MessageTemplate:
    try:
        pk = uuid.UUID(str(template_id))
    except ValueError as err:
        raise ValidationError(
            {"template": "A template id is a UUID: the `id` of one of your templates."}
        ) from err
    template = MessageTemplate.objects.for_tenant(tenant).filter(pk=pk).first()
    if template is None:
        raise ValidationError({"template": "No template with this id in your account."})
    return template


def template_for_send(
    tenant: Tenant, *, template_id: str = "", content_sid: str = ""
) -> MessageTemplate | None:
    """The template a send names, checked sendable; None for a content SID the platform does
    not know as a template (Content made elsewhere and not imported: Twilio decides)."""
    if template_id:
        template, field_name = _by_id(tenant, template_id), "template"
        if content_sid and content_sid != template.content_sid:
            raise ValidationError(
                {"content_sid": f"Template {template.name} has content SID "
                 f"{template.content_sid or '(none yet)'}; send one or the other."}
            )  # fmt: skip
    elif content_sid:
        template, field_name = (
            MessageTemplate.objects.for_tenant(tenant).filter(content_sid=content_sid).first(),
            "content_sid",
        )
        if template is None:
            return None
    else:
        return None
    refuse_unsendable(template, field_name)
    return template


def refuse_unsendable(template: MessageTemplate, field_name: str = "template") -> None:
    """Refuse a template Meta would not deliver now, saying why."""
    reason = f" Meta said: {template.rejection_reason}" if template.rejection_reason else ""
    if template.status == ApprovalStatus.PAUSED:
        raise SendRefused(
            "template_paused",
            f"Template {template.name} is paused by Meta because of low quality (customers "
            f"blocked or reported it); it cannot be sent until the pause ends.{reason}",
            field_name,
        )
    if template.status == ApprovalStatus.DISABLED:
        raise SendRefused(
            "template_disabled",
            f"Template {template.name} was disabled by Meta after repeated low quality and "
            f"can no longer be sent; duplicate it as a new template and submit that.{reason}",
            field_name,
        )
    if template.status != ApprovalStatus.APPROVED or not template.content_sid:
        raise SendRefused(
            "template_not_approved",
            f"Template {template.name} is {template.get_status_display().lower()}; only "
            "templates WhatsApp approved can be sent.",
            field_name,
        )


def clean_template_variables(
    template: MessageTemplate, variables: Mapping[str, Any] | None, field_name: str = "variables"
) -> dict[str, str]:
    """The send's values, every variable the template uses given; raises naming the field."""
    given = {str(k): "" if v is None else str(v) for k, v in (variables or {}).items()}
    missing = [key for key in template_keys(template) if not given.get(key, "").strip()]
    if missing:
        names = ", ".join(f"{{{{{key}}}}}" for key in missing)
        raise ValidationError({field_name: f"Template {template.name} needs a value for {names}."})
    try:
        validate_variables(template, given)
    except ValidationError as err:
        raise ValidationError({field_name: err.messages}) from err
    return given


def window_closed_refusal(tenant: Tenant, to: str) -> SendRefused:
    """WhatsApp's rule, with the approved templates that may be sent instead."""
    choices = template_choices(tenant)
    if choices:
        listed = "; ".join(f"{c.name} ({c.language}, id {c.id})" for c in choices)
        hint = f"Approved templates you can send: {listed}."
    else:
        hint = "You have no approved template yet: write one under Templates and submit it."
    return SendRefused(
        "whatsapp_window_closed",
        f"WhatsApp's 24-hour customer-service window with {to} is closed (they have not "
        "written in the last 24 hours), so WhatsApp accepts only an approved template "
        f"(`template` with its `variables`) until they write again. {hint}",
        "template",
        extra={"templates": [c.as_dict() for c in choices]},
    )


@dataclass(frozen=True)
class VariableInput:
    key: str
    value: str
    sample: str


@dataclass(frozen=True)
class TemplatePreview:
    """What the picker shows: one input per variable and the message as WhatsApp shows it."""

    template: MessageTemplate
    variables: list[VariableInput]
    text: str
    buttons: list[dict[str, str]]
    errors: list[str]


def picked_template(tenant: Tenant, template_id: str | None) -> MessageTemplate | None:
    """The tenant's approved template of that id (the picker offers no other), or None."""
    try:
        pk = uuid.UUID(str(template_id or ""))
    except ValueError:
        return None
    return next((t for t in sendable_templates(tenant) if t.pk == pk), None)


def template_preview(
    template: MessageTemplate | None, values: Mapping[str, str]
) -> TemplatePreview | None:
    """The live preview: the values typed so far (samples where none yet) filled in, and what
    would refuse the send once something is typed."""
    if template is None:
        return None
    samples = {str(k): str(v) for k, v in (template.variables or {}).items()}
    keys = template_keys(template)
    given = {key: str(values.get(key, ""))[:MAX_VALUE_LENGTH] for key in keys}
    errors: list[str] = []
    if any(value.strip() for value in given.values()):
        try:
            clean_template_variables(template, given)
        except ValidationError as err:
            errors = err.messages
    shown = {key: value if value.strip() else samples.get(key, "") for key, value in given.items()}
    return TemplatePreview(
        template=template,
        variables=[VariableInput(k, given[k], samples.get(k, "")) for k in keys],
        text=render(template, shown),
        buttons=render_buttons(template, shown),
        errors=errors,
    )
