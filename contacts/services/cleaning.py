"""A contact's attributes as given (a form, the API, one CSV row) made into what is stored,
with one field-named error per bad attribute. The API, the portal and the import share it,
so a row the import refuses is refused for the same reason as a form would be."""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from contacts.filters import CONSENT_CHANNELS, clean_field_value, normalize_tag
from contacts.models import ConsentSource, Contact
from contacts.numbers import validate_time_zone
from messaging.services import normalize_number

NAME_FIELDS = ("first_name", "last_name")
ADDRESS_FIELDS = ("phone", "email", "whatsapp")
TAGS_LENGTH = Contact._meta.get_field("tags").max_length
MAX_FIELD_TEXT = 500


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError("Enter text.")
    text = str(value)
    if "\x00" in text:
        raise ValueError("Null characters are not allowed.")
    return text.strip()


def tags_column(tags: Iterable[str]) -> str:
    """Tags as stored: ",a,b," (sorted, unique), so `contains=",a,"` finds one exactly."""
    unique = sorted({normalize_tag(t) for t in tags} - {""})
    return f",{','.join(unique)}," if unique else ""


def parse_tags(value: Any) -> list[str]:
    """Tags from a list or a text separated by commas, semicolons or bars (spreadsheets
    write a list in one cell either way)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [t for t in re.split(r"[,;|]", value) if t.strip()]
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return value
    raise ValueError("Give tags as a list of text or a comma-separated text.")


def _clean_address(name: str, value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    if name == "email":
        text = text.lower()
        validate_email(text)
        if len(text) > Contact._meta.get_field("email").max_length:
            raise ValueError("This email address is too long.")
        return text
    if name == "whatsapp":
        text = text.removeprefix("whatsapp:")
    try:
        return normalize_number(text, name)
    except ValidationError as err:
        raise ValueError(" ".join(err.messages)) from None


def _clean_fields(value: Any, types: Mapping[str, str], errors: dict) -> dict:
    if not isinstance(value, dict):
        errors["fields"] = ["Give an object of custom field keys and values."]
        return {}
    cleaned: dict[str, Any] = {}
    for key, raw in value.items():
        if key not in types:
            errors[f"fields.{str(key)[:40]}"] = ["No custom field has this key."]
            continue
        if raw is None or raw == "":
            cleaned[key] = None
            continue
        try:
            cleaned[key] = clean_field_value(types[key], raw)
        except ValueError as err:
            errors[f"fields.{key}"] = [str(err)]
    return cleaned


def _clean_consent(value: Any, errors: dict) -> dict[str, str]:
    """{"sms": "web_form", ...}: the channels opted in to, each with how it was collected."""
    if not isinstance(value, dict):
        errors["consent"] = ['Give an object like {"sms": "web_form"}.']
        return {}
    cleaned = {}
    for channel, source in value.items():
        if channel not in CONSENT_CHANNELS:
            errors["consent"] = ["Channels are: " + ", ".join(CONSENT_CHANNELS) + "."]
        elif source not in ConsentSource.values:
            errors[f"consent.{channel}"] = [
                "Say how consent was collected: " + ", ".join(ConsentSource.values) + "."
            ]
        else:
            cleaned[channel] = source
    return cleaned


def _clean_one(name: str, value: Any, types: Mapping[str, str], errors: dict) -> Any:
    if name in NAME_FIELDS:
        text = _text(value)
        if len(text) > 100:
            raise ValueError("At most 100 characters.")
        return text
    if name in ADDRESS_FIELDS:
        return _clean_address(name, value)
    if name == "tags":
        column = tags_column(parse_tags(value))
        if len(column) > TAGS_LENGTH:
            raise ValueError(f"The tags together are longer than {TAGS_LENGTH} characters.")
        return column
    if name == "time_zone":
        text = _text(value)
        return validate_time_zone(text) if text else ""
    if name == "fields":
        return _clean_fields(value, types, errors)
    return _clean_consent(value, errors)


CLEANED = (*NAME_FIELDS, *ADDRESS_FIELDS, "tags", "time_zone", "fields", "consent")


def clean_contact(data: Mapping[str, Any], *, types: Mapping[str, str]) -> dict[str, Any]:
    """The attributes given in `data` (others are left out), cleaned; a ValidationError
    names each bad one (`fields.<key>` for a custom field, `consent.<channel>`)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in CLEANED:
        if name not in data:
            continue
        try:
            cleaned[name] = _clean_one(name, data[name], types, errors)
        except ValidationError as err:
            errors[name] = err.messages
        except ValueError as err:
            errors[name] = [str(err)]
    if errors:
        raise ValidationError(errors)
    return cleaned
