"""A broadcast's text per recipient: `{{first_name}}`, `{{last_name}}`, `{{phone}}`,
`{{email}}` and `{{<custom field key>}}` filled from the contact, `{{first_name|there}}`
giving a fallback for an empty value. Unknown names are refused when the draft is saved,
so rendering never meets one it can't fill."""

import re
from typing import Any

from django.utils.html import escape

from broadcasts.models import Broadcast
from contacts.models import Contact, ContactField
from emails.services import html_to_text

VARIABLE = re.compile(r"\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}")
BUILTIN_VARIABLES = ("first_name", "last_name", "phone", "email")


def variables_in(text: str) -> list[str]:
    """The variable names of `text`, in order, each once."""
    seen: dict[str, None] = {}
    for match in VARIABLE.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


def known_variables(tenant_id: int) -> list[str]:
    """What a broadcast of the tenant may use: the built-ins and its custom field keys."""
    keys = ContactField.objects.for_tenant(tenant_id).order_by("key").values_list("key", flat=True)
    return [*BUILTIN_VARIABLES, *keys]


def unknown_variables(text: str, tenant_id: int) -> list[str]:
    known = set(known_variables(tenant_id))
    return [name for name in variables_in(text) if name not in known]


def contact_values(contact: Contact) -> dict[str, str]:
    values: dict[str, Any] = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "phone": contact.phone,
        "email": contact.email,
    }
    for key, value in (contact.fields or {}).items():
        values.setdefault(str(key), value)
    return {k: "" if v is None else str(v) for k, v in values.items()}


def render_text(text: str, values: dict[str, str]) -> str:
    """`text` with each variable filled (its fallback, else empty, when the value is)."""

    def fill(match: re.Match) -> str:
        value = values.get(match.group(1), "").strip()
        return value or (match.group(2) or "").strip()

    return VARIABLE.sub(fill, text or "")


def render_for(broadcast: Broadcast, contact: Contact) -> str:
    """The personalised text `contact` receives (SMS), or the template variables' summary."""
    return render_text(broadcast.body, contact_values(contact))


def template_variables_for(broadcast: Broadcast, contact: Contact) -> dict[str, str]:
    """A WhatsApp template's variables for `contact`, each value rendered like a body."""
    values = contact_values(contact)
    return {
        str(key): render_text(str(text), values)
        for key, text in (broadcast.template_variables or {}).items()
    }


def email_parts_for(broadcast: Broadcast, contact: Contact | None) -> tuple[str, str, str]:
    """(subject, HTML, text) an email broadcast sends `contact`: its own parts or its email
    template's, filled like a text (values HTML-escaped in the HTML)."""
    source = broadcast.email_template if broadcast.email_template_id else None
    subject = source.subject if source else broadcast.subject
    html = source.html if source else broadcast.html
    text = source.text if source else broadcast.body
    values = contact_values(contact) if contact is not None else {}
    escaped = {key: str(escape(value)) for key, value in values.items()}
    return render_text(subject, values), render_text(html, escaped), render_text(text, values)


def email_preview_text(broadcast: Broadcast, contact: Contact) -> tuple[str, str]:
    """(subject, readable text) of what `contact` receives, for the preview."""
    subject, html, text = email_parts_for(broadcast, contact)
    return subject, text or html_to_text(html)


def email_template_values(broadcast: Broadcast, contact: Contact | None) -> dict[str, str]:
    """An email template's variables for `contact`: every variable a contact may have, empty
    when this one has none (so its fallback applies, as in a text)."""
    values = {name: "" for name in known_variables(broadcast.tenant_id)}
    if contact is not None:
        values.update(contact_values(contact))
    return values
