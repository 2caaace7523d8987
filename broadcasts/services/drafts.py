"""Writing a broadcast before it goes out: create, edit (while draft or scheduled) and
delete (a draft), every input checked and named (`checks`), every write audited; and the
preview of what the first recipients will receive."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastStatus, Purpose
from broadcasts.services import checks
from broadcasts.services.common import BroadcastConflict
from broadcasts.services.lifecycle import transition
from broadcasts.services.materialise import eligible
from broadcasts.services.rendering import (
    email_preview_text,
    render_for,
    template_variables_for,
)
from contacts.models import Contact
from contacts.selectors import audience_contacts
from tenants.models import Tenant
from tenants.services import Actor, record_audit

EDITABLE = (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED)
PREVIEW_SIZE = 5
FIELDS = (
    "name", "channel", "purpose", "body", "template_variables", "audience", "template",
    "from_number", "messaging_service_sid", "scheduled_at", "subject", "html", "email_template",
)  # fmt: skip


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200 or "\x00" in name:
        raise ValidationError({"name": "A broadcast needs a name of up to 200 characters."})
    return name


def _cleaned(tenant_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """Every field of a broadcast checked together (the channel decides the rest)."""
    channel = checks.clean_channel(values.get("channel") or "sms")
    template, variables = checks.clean_template(
        tenant_id, channel, values.get("template"), values.get("template_variables")
    )
    from_number, service_sid = checks.clean_sender(
        tenant_id, channel, values.get("from_number", ""), values.get("messaging_service_sid", "")
    )
    subject, html, email_template = checks.clean_email(
        tenant_id, channel, values.get("subject", ""), values.get("html", ""),
        values.get("body", ""), values.get("email_template"),
    )  # fmt: skip
    return {
        "name": _clean_name(values.get("name", "")),
        "channel": channel,
        "purpose": checks.clean_purpose(values.get("purpose") or Purpose.MARKETING),
        "body": checks.clean_body(tenant_id, values.get("body", ""), channel),
        "template": template,
        "template_variables": variables,
        "audience": checks.clean_audience(tenant_id, values.get("audience")),
        "from_number": from_number,
        "messaging_service_sid": service_sid,
        "scheduled_at": checks.clean_schedule(values.get("scheduled_at")),
        "subject": subject,
        "html": html,
        "email_template": email_template,
    }


def broadcast_create(
    *,
    tenant: Tenant,
    actor: Actor,
    name: str,
    audience: Any,
    channel: str = "sms",
    purpose: str = Purpose.MARKETING,
    body: str = "",
    template: Any = None,
    template_variables: dict[str, Any] | None = None,
    from_number: str = "",
    messaging_service_sid: str = "",
    scheduled_at: datetime | None = None,
    subject: str = "",
    html: str = "",
    email_template: Any = None,
) -> Broadcast:
    """A new draft; `audience`, `template` and `email_template` are ids (or objects) of
    the tenant's. Email: `from_number` is the From address, `body` the text part."""
    values = _cleaned(
        tenant.pk,
        {
            "name": name, "channel": channel, "purpose": purpose, "body": body,
            "template": getattr(template, "pk", template),
            "template_variables": template_variables,
            "audience": getattr(audience, "pk", audience), "from_number": from_number,
            "messaging_service_sid": messaging_service_sid, "scheduled_at": scheduled_at,
            "subject": subject, "html": html,
            "email_template": getattr(email_template, "pk", email_template),
        },
    )  # fmt: skip
    with transaction.atomic():
        broadcast = Broadcast.objects.create(
            tenant=tenant, created_by=actor.user, actor_label=actor.label[:200], **values
        )
        record_audit(
            tenant=tenant,
            actor=actor,
            action="broadcast.created",
            target=broadcast,
            changes={"channel": broadcast.channel, "audience": str(broadcast.audience_id)},
        )
    return broadcast


def _current(broadcast: Broadcast) -> dict[str, Any]:
    values = {name: getattr(broadcast, name) for name in FIELDS}
    values["audience"], values["template"] = broadcast.audience_id, broadcast.template_id
    values["email_template"] = broadcast.email_template_id
    return values


def broadcast_update(broadcast: Broadcast, *, actor: Actor, **changes: Any) -> Broadcast:
    """Edit a draft or scheduled broadcast (the fields given); the whole is checked again.
    A scheduled one whose time is removed goes back to draft."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown broadcast fields {sorted(unknown)}")
    with transaction.atomic():
        locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if locked.status not in EDITABLE:
            raise BroadcastConflict(
                f"A {locked.get_status_display().lower()} broadcast can't be edited."
            )
        merged = {**_current(locked), **changes}
        values = _cleaned(locked.tenant_id, merged)
        before = _current(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        locked.save()
        changed = sorted(k for k in changes if str(before.get(k)) != str(_current(locked)[k]))
        record_audit(
            tenant=locked.tenant,
            actor=actor,
            action="broadcast.updated",
            target=locked,
            changes={"fields": changed},
        )
        if locked.status == BroadcastStatus.SCHEDULED and locked.scheduled_at is None:
            transition(locked.pk, BroadcastStatus.DRAFT, actor=actor, reason="unscheduled")
    locked.refresh_from_db()
    return locked


def broadcast_delete(broadcast: Broadcast, *, actor: Actor) -> None:
    """Delete a draft (anything launched stays, for its record)."""
    with transaction.atomic():
        locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if locked.status != BroadcastStatus.DRAFT:
            raise BroadcastConflict("Only a draft can be deleted; cancel the broadcast instead.")
        record_audit(tenant=locked.tenant, actor=actor, action="broadcast.deleted", target=locked)
        locked.delete()


@dataclass(frozen=True)
class PreviewRow:
    contact: Contact
    address: str
    text: str
    variables: dict[str, str]
    subject: str = ""


def _row(broadcast: Broadcast, contact: Contact) -> PreviewRow:
    if broadcast.channel == "email":
        subject, text = email_preview_text(broadcast, contact)
        return PreviewRow(contact, contact.b_address, text, {}, subject)
    return PreviewRow(
        contact=contact,
        address=contact.b_address,
        text=render_for(broadcast, contact),
        variables=template_variables_for(broadcast, contact),
    )


def broadcast_preview(broadcast: Broadcast, *, limit: int = PREVIEW_SIZE) -> list[PreviewRow]:
    """What the first recipients of the audience would receive (those it may message)."""
    rows = eligible(broadcast).order_by("created_at", "id")[: max(1, min(limit, 50))]
    return [_row(broadcast, contact) for contact in rows]


def audience_size(broadcast: Broadcast) -> int:
    return audience_contacts(broadcast.audience).count()
