"""A template's text with its variables filled in, and the check that a send names them all.

Variables are written `{{1}}`, `{{2}}` (Meta numbers them from 1) or `{{name}}` (Twilio accepts
alphanumeric keys without spaces, ≤ 16 characters; wave2-facts §1.2)."""

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from content.vocab import ContentKind

if TYPE_CHECKING:
    from content.models import MessageTemplate

# Any `{{…}}`, well formed or not, so lint can name the malformed ones.
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
VALID_KEY = re.compile(r"^[A-Za-z0-9_]{1,16}$")
# Twilio's cap on one variable's value at send time (wave2-facts §1.2).
MAX_VALUE_LENGTH = 1600
# Meta's cap on a template's body after substitution; 63021 at send time (wave2-facts §1.1).
MAX_RENDERED_BODY = 1024
AUTHENTICATION_BODY = "{{1}} is your verification code."


def placeholders(text: str) -> list[str]:
    """The variable keys of `text`, in order of appearance (repeats kept)."""
    return [match.group(1) for match in PLACEHOLDER.finditer(text or "")]


def body_text(template: "MessageTemplate") -> str:
    """The body as written, or Meta's fixed wording for an authentication template."""
    if template.content_type == ContentKind.AUTHENTICATION:
        return AUTHENTICATION_BODY
    return template.body


def template_keys(template: "MessageTemplate") -> list[str]:
    """Every distinct variable the template uses (body, then button URLs), in order."""
    seen: dict[str, None] = {}
    texts = [body_text(template)] + [str(b.get("url", "")) for b in template.buttons or []]
    for text in texts:
        for key in placeholders(text):
            seen.setdefault(key, None)
    return list(seen)


def _substitute(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def merged_values(template: "MessageTemplate", variables: dict[str, Any] | None) -> dict[str, str]:
    """The samples, overridden by the values given (Twilio's defaults work the same way)."""
    values = {str(k): str(v) for k, v in (template.variables or {}).items()}
    values.update({str(k): "" if v is None else str(v) for k, v in (variables or {}).items()})
    return values


def validate_variables(template: "MessageTemplate", variables: dict[str, Any] | None) -> None:
    """Raise a ValidationError naming the variable when a send's values don't fit the template:
    a variable the template doesn't use, one not given (and without a sample), one too long,
    or a body longer than Meta's 1,024 characters once filled in."""
    given = {str(k): v for k, v in (variables or {}).items()}
    keys = template_keys(template)
    for key in given:
        if key not in keys:
            raise ValidationError(
                f"Variable {{{{{key}}}}} is not in template {template.name}.", code="unknown"
            )
    values = merged_values(template, given)
    for key in keys:
        value = values.get(key, "")
        if not value.strip():
            raise ValidationError(f"Variable {{{{{key}}}}} needs a value.", code="required")
        if len(value) > MAX_VALUE_LENGTH:
            raise ValidationError(
                f"Variable {{{{{key}}}}} is longer than {MAX_VALUE_LENGTH} characters.",
                code="max_length",
            )
    rendered = _substitute(body_text(template), values)
    if len(rendered) > MAX_RENDERED_BODY:
        raise ValidationError(
            f"With these variables the message has {len(rendered)} characters; WhatsApp "
            f"allows {MAX_RENDERED_BODY} (error 63021).",
            code="max_length",
        )


def render(template: "MessageTemplate", variables: dict[str, Any] | None = None) -> str:
    """The message as the customer reads it: body with the variables (or the samples) filled in,
    then the footer, as plain text."""
    values = merged_values(template, variables)
    parts = [_substitute(body_text(template), values)]
    if template.content_type == ContentKind.AUTHENTICATION:
        if template.add_security_recommendation:
            parts[0] += " For your security, do not share this code."
        if template.code_expiration_minutes:
            parts.append(f"This code expires in {template.code_expiration_minutes} minutes.")
    if template.footer:
        parts.append(template.footer)
    return "\n".join(part for part in parts if part)


def render_buttons(
    template: "MessageTemplate", variables: dict[str, Any] | None = None
) -> list[dict[str, str]]:
    """The buttons with URL variables filled in, for previews."""
    values = merged_values(template, variables)
    rendered = []
    for button in template.buttons or []:
        item = {k: str(v) for k, v in button.items()}
        if "url" in item:
            item["url"] = _substitute(item["url"], values)
        rendered.append(item)
    return rendered
