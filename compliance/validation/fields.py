"""The 10DLC form's fields, how a submission is normalized before any rule reads it, and the
per-field error list the rules fill."""

import re
from typing import Any

from compliance.vocab import BrandType

BUSINESS_FIELDS = (
    "legal_name",
    "dba_name",
    "business_type",
    "company_type",
    "stock_exchange",
    "stock_ticker",
    "brand_contact_email",
    "industry",
    "ein",
    "website",
    "regions_of_operation",
    "address_street",
    "address_street2",
    "address_city",
    "address_region",
    "address_postal_code",
    "address_country",
    "rep_first_name",
    "rep_last_name",
    "rep_email",
    "rep_phone",
    "rep_business_title",
    "rep_job_position",
    "contact_email",
    "contact_phone",
)
BRAND_FIELDS = ("brand_type",)
CAMPAIGN_FIELDS = (
    "use_case",
    "description",
    "message_flow",
    "sample_messages",
    "opt_in_keywords",
    "opt_in_message",
    "opt_out_keywords",
    "opt_out_message",
    "help_keywords",
    "help_message",
    "has_embedded_links",
    "has_embedded_phone",
    "age_gated",
    "direct_lending",
    "privacy_policy_url",
    "terms_url",
)
LIST_FIELDS = ("sample_messages", "opt_in_keywords", "opt_out_keywords", "help_keywords")
BOOL_FIELDS = ("has_embedded_links", "has_embedded_phone", "age_gated", "direct_lending")
FORM_FIELDS = BUSINESS_FIELDS + BRAND_FIELDS + CAMPAIGN_FIELDS


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = re.split(r"[\n,]+", value)
    return [str(item).strip() for item in value if str(item).strip()]


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    """Trim strings, split lists, upper-case keywords; unknown keys are dropped."""
    cleaned: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = data.get(name)
        if name in LIST_FIELDS:
            items = _as_list(value)
            if name.endswith("keywords"):
                items = list(dict.fromkeys(item.upper() for item in items))
            cleaned[name] = items
        elif name in BOOL_FIELDS:
            cleaned[name] = _as_bool(value)
        else:
            cleaned[name] = _text(value)
    for name in ("address_country", "address_region", "stock_ticker", "stock_exchange"):
        cleaned[name] = cleaned[name].upper()
    cleaned["industry"] = cleaned["industry"].upper()
    cleaned["use_case"] = cleaned["use_case"].upper()
    cleaned["brand_type"] = cleaned["brand_type"].upper()
    return cleaned


def field_order(key: str) -> tuple[int, int]:
    """Where an error key sits in the form: `sample_messages.1` right after the samples."""
    name, _, index = key.partition(".")
    position = FORM_FIELDS.index(name) if name in FORM_FIELDS else len(FORM_FIELDS)
    return position, int(index) + 1 if index.isdigit() else 0


class Errors:
    """Messages per field, in the order the rules found them."""

    def __init__(self) -> None:
        self.items: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.items.setdefault(field, []).append(message)

    def require(self, cleaned: dict, field: str, message: str) -> bool:
        if not cleaned.get(field):
            self.add(field, message)
            return False
        return True


def brand_label(c: dict) -> str:
    """How samples and replies should name the sender, for the examples in messages."""
    return c["dba_name"] or c["legal_name"] or "your brand"


def is_sole_proprietor(c: dict) -> bool:
    return c["brand_type"] == BrandType.SOLE_PROPRIETOR


def choose(c: dict, e: Errors, field: str, message: str, allowed, wrong: str) -> None:
    """Required, and one of `allowed`."""
    if e.require(c, field, message) and c[field] not in allowed:
        e.add(field, wrong)
