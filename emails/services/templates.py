"""Email templates: saving one sanitises its HTML and generates the text part when it has
none, so what is stored is what is sent; each change is audited."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from emails.models import EmailTemplate
from emails.services.content import html_to_text, sanitize_html
from tenants.models import Tenant
from tenants.services import Actor, record_audit

NAME_MAX = EmailTemplate._meta.get_field("name").max_length
SUBJECT_MAX = EmailTemplate._meta.get_field("subject").max_length
FIELDS = ("name", "category", "subject", "html", "text")


def _clean(values: dict) -> dict:
    """The template's parts checked (field-named errors) and its HTML sanitised; a blank
    text part is generated from the HTML."""
    errors: dict[str, str] = {}
    for key in FIELDS:
        if "\x00" in (values.get(key) or ""):
            errors[key] = "Remove the NUL character (\\x00)."
    name = (values.get("name") or "").strip()
    subject = (values.get("subject") or "").strip()
    html = values.get("html") or ""
    text = values.get("text") or ""
    if not name:
        errors.setdefault("name", "Give the template a name.")
    elif len(name) > NAME_MAX:
        errors.setdefault("name", f"Keep the name to {NAME_MAX} characters.")
    if not subject:
        errors.setdefault("subject", "An email needs a subject.")
    elif len(subject) > SUBJECT_MAX:
        errors.setdefault("subject", f"Keep the subject to {SUBJECT_MAX} characters (RFC 5322).")
    elif "\r" in subject or "\n" in subject:
        errors.setdefault("subject", "The subject is one line.")
    if len(html) > settings.EMAIL_MAX_HTML_CHARS:
        errors.setdefault("html", f"Keep the HTML to {settings.EMAIL_MAX_HTML_CHARS:,} characters.")
    if not html.strip() and not text.strip():
        errors.setdefault("html", "Write the HTML part, the text part, or both.")
    if values.get("category") not in EmailTemplate.Category.values:
        errors["category"] = f"Choose one of {', '.join(EmailTemplate.Category.values)}."
    if errors:
        raise ValidationError(errors)
    html = sanitize_html(html) if html.strip() else ""
    generated = not text.strip()
    return {
        "name": name,
        "category": values["category"],
        "subject": subject,
        "html": html,
        "text": html_to_text(html) if generated else text,
        "text_generated": generated,
    }


def _save(template: EmailTemplate) -> None:
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as err:
        raise ValidationError({"name": "You already have a template with this name."}) from err


@transaction.atomic
def template_create(
    *,
    tenant: Tenant,
    actor: Actor,
    name: str,
    subject: str,
    html: str = "",
    text: str = "",
    category: str = EmailTemplate.Category.MARKETING,
) -> EmailTemplate:
    """A new template of the tenant (names are unique per tenant)."""
    values = _clean(
        {"name": name, "category": category, "subject": subject, "html": html, "text": text}
    )
    template = EmailTemplate(
        tenant=tenant, created_by=actor.user, actor_label=actor.label, **values
    )
    _save(template)
    record_audit(
        tenant=tenant,
        actor=actor,
        action="email_template.created",
        target=template,
        changes={"name": template.name, "category": template.category},
    )
    return template


@transaction.atomic
def template_update(*, template: EmailTemplate, actor: Actor, **changes: str) -> EmailTemplate:
    """Change some parts; a text part that was generated follows the new HTML unless a
    text part is given."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError({key: "Not a field of email templates." for key in unknown})
    values = {key: getattr(template, key) for key in FIELDS}
    if template.text_generated and "text" not in changes:
        values["text"] = ""
    values.update({k: v for k, v in changes.items() if v is not None})
    cleaned = _clean(values)
    changed = [key for key in FIELDS if getattr(template, key) != cleaned[key]]
    for key, value in cleaned.items():
        setattr(template, key, value)
    template.updated_at = timezone.now()
    _save(template)
    record_audit(
        tenant=template.tenant,
        actor=actor,
        action="email_template.updated",
        target=template,
        changes={"fields": changed},
    )
    return template


@transaction.atomic
def template_delete(*, template: EmailTemplate, actor: Actor) -> None:
    """Emails already sent from it keep their own copy of subject and parts."""
    record_audit(
        tenant=template.tenant,
        actor=actor,
        action="email_template.deleted",
        target=template,
        changes={"name": template.name},
    )
    template.delete()
