"""Writing templates: create and edit a draft, start the next version of a rejected one,
duplicate any one as new, and ask for its submission. Each change is audited and lands on
the template's timeline; Twilio is called only by the submission task."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from content import enqueue
from content.lint import errors
from content.models import MessageTemplate, TemplateEvent
from content.vocab import ApprovalStatus
from tenants.models import Tenant
from tenants.services import Actor, record_audit

# The fields the tenant writes; everything else is Twilio's or the platform's.
AUTHORED_FIELDS = (
    "name",
    "language",
    "category",
    "content_type",
    "body",
    "footer",
    "media_url",
    "buttons",
    "variables",
    "add_security_recommendation",
    "code_expiration_minutes",
    "allow_category_change",
)


class TemplateConflict(Exception):
    """The change conflicts with the template's state (the API answers 409)."""


def authored(template: MessageTemplate) -> dict[str, Any]:
    return {name: getattr(template, name) for name in AUTHORED_FIELDS}


def add_event(
    template: MessageTemplate,
    kind: str,
    *,
    from_value: str = "",
    to_value: str = "",
    raw_status: str = "",
    reason: str = "",
) -> TemplateEvent:
    return TemplateEvent.objects.create(
        tenant_id=template.tenant_id,
        template=template,
        kind=kind,
        from_value=from_value,
        to_value=to_value,
        raw_status=raw_status,
        reason=reason,
        at=timezone.now(),
    )


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(AUTHORED_FIELDS)
    if unknown:
        raise ValidationError({name: "This field can't be written." for name in sorted(unknown)})
    clean = dict(data)
    if "variables" in clean:
        clean["variables"] = {str(k): str(v) for k, v in (clean["variables"] or {}).items()}
    if "buttons" in clean:
        clean["buttons"] = [dict(b) for b in clean["buttons"] or []]
    return clean


@transaction.atomic
def template_create(
    *, tenant: Tenant, actor: Actor, data: dict[str, Any], previous: MessageTemplate | None = None
) -> MessageTemplate:
    """A new draft (or the next version of `previous`, in its family)."""
    template = MessageTemplate(tenant=tenant, created_by=actor.user, **_clean(data))
    if previous is not None:
        template.family, template.previous = previous.family, previous
        template.version = (
            max(
                MessageTemplate.objects.for_tenant(tenant)
                .filter(family=previous.family)
                .values_list("version", flat=True)
            )
            + 1
        )
    template.full_clean(exclude=["tenant", "created_by", "previous"])
    template.save()
    add_event(template, TemplateEvent.Kind.CREATED, to_value=template.status)
    record_audit(
        tenant=tenant,
        actor=actor,
        action="template.created",
        target=template,
        changes={"name": template.name, "version": template.version},
    )
    return template


@transaction.atomic
def template_update(
    *, template: MessageTemplate, actor: Actor, data: dict[str, Any]
) -> MessageTemplate:
    """Edit a draft; a template sent to Twilio is read-only (TemplateConflict)."""
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_editable:
        raise TemplateConflict(_read_only_reason(template))
    before = authored(template)
    for name, value in _clean(data).items():
        setattr(template, name, value)
    template.full_clean(exclude=["tenant", "created_by", "previous"])
    changed = {k: [before[k], v] for k, v in authored(template).items() if before[k] != v}
    if not changed:
        return template
    # A Content Twilio kept from a refused submission no longer matches: the next
    # submission creates a fresh one.
    template.content_sid = ""
    template.save()
    add_event(template, TemplateEvent.Kind.EDITED, reason=", ".join(sorted(changed)))
    record_audit(
        tenant=template.tenant,
        actor=actor,
        action="template.updated",
        target=template,
        changes=changed,
    )
    return template


def _read_only_reason(template: MessageTemplate) -> str:
    if template.is_approved:
        return "An approved template is read-only: duplicate it as a new version to change it."
    if template.status == ApprovalStatus.REJECTED:
        return "A rejected template is read-only: start a new version to edit and resubmit it."
    return f"The template is {template.get_status_display().lower()}: it can't be edited now."


def template_new_version(
    *, template: MessageTemplate, actor: Actor, data: dict[str, Any] | None = None
) -> MessageTemplate:
    """The next version of a template (a rejected one's edit, or "duplicate as new"): a draft
    copy with `data` applied; the original stays as it is, read-only."""
    if template.is_editable:
        raise TemplateConflict("The template is still a draft: edit it instead.")
    if template.status == ApprovalStatus.SUBMITTING:
        raise TemplateConflict("The template is being sent to Twilio: wait for its status.")
    with transaction.atomic():
        if MessageTemplate.objects.filter(previous_id=template.pk).exists():
            raise TemplateConflict("This version already has a newer version: edit that one.")
        fields = {**authored(template), **(data or {})}
        created = template_create(
            tenant=template.tenant, actor=actor, data=fields, previous=template
        )
        add_event(template, TemplateEvent.Kind.NEW_VERSION, to_value=f"v{created.version}")
    return created


def template_submit(*, template: MessageTemplate, actor: Actor) -> MessageTemplate:
    """Check the draft with the lint (400 naming each field) and queue its submission."""
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
        if not template.is_editable:
            raise TemplateConflict(_read_only_reason(template))
        found = errors(template)
        if found:
            raise ValidationError({finding.field: finding.message for finding in reversed(found)})
        template.status = ApprovalStatus.SUBMITTING
        template.submit_attempts, template.next_submit_at = 0, timezone.now()
        template.last_error_code, template.last_error_message = None, ""
        template.save()
        add_event(
            template,
            TemplateEvent.Kind.SUBMITTED,
            from_value=ApprovalStatus.DRAFT,
            to_value=ApprovalStatus.SUBMITTING,
        )
        record_audit(
            tenant=template.tenant, actor=actor, action="template.submitted", target=template
        )
        enqueue.submit_template(template.pk)
    return template


@transaction.atomic
def template_delete(*, template: MessageTemplate, actor: Actor) -> None:
    """Delete a draft; anything Twilio has seen stays, for its history."""
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_editable:
        raise TemplateConflict(
            "Only drafts can be deleted: this template was sent to WhatsApp and keeps its history."
        )
    record_audit(
        tenant=template.tenant,
        actor=actor,
        action="template.deleted",
        target=template,
        changes={"name": template.name, "version": template.version},
    )
    template.delete()
