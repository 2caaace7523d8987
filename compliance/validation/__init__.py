"""Pre-flight checks of a 10DLC submission, run before anything is sent to Twilio.

Carriers and The Campaign Registry reject brands and campaigns for a handful of recurring
reasons; each rule catches one of them and says, beside the field, how to fix it.
`rules.RULE_TABLE` lists the rules, one function each, with the words the portal shows
(`RULES`); `fields` holds the form's fields and normalization; `text` what the rules look
for in the text (brand names, links, consent and opt-out wording).
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from compliance.validation.fields import (
    BOOL_FIELDS,
    BRAND_FIELDS,
    BUSINESS_FIELDS,
    CAMPAIGN_FIELDS,
    FORM_FIELDS,
    LIST_FIELDS,
    field_order,
    normalize,
)
from compliance.validation.rules import RULE_TABLE, RULES, check_all
from compliance.validation.text import brand_names, names_brand

__all__ = [
    "BOOL_FIELDS",
    "BRAND_FIELDS",
    "BUSINESS_FIELDS",
    "CAMPAIGN_FIELDS",
    "FORM_FIELDS",
    "LIST_FIELDS",
    "RULES",
    "RULE_TABLE",
    "Preflight",
    "brand_names",
    "names_brand",
    "normalize",
    "preflight",
    "validate_submission",
]


@dataclass
class Preflight:
    cleaned: dict[str, Any]
    errors: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not self.errors


def preflight(data: dict[str, Any]) -> Preflight:
    """Normalize a submission and check every rule; nothing is sent anywhere. The errors
    read top to bottom like the form, whatever order the rules run in."""
    cleaned = normalize(data)
    found = check_all(cleaned)
    errors = {field: found[field] for field in sorted(found, key=field_order)}
    return Preflight(cleaned=cleaned, errors=errors)


def validate_submission(data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned submission, or a ValidationError naming each failing field."""
    result = preflight(data)
    if not result.ok:
        raise ValidationError(result.errors)
    return result.cleaned
