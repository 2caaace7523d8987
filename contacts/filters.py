"""Saved audience filters: the JSON a filter audience keeps, its validation and its Q.

The format (every key optional; the conditions all have to hold, an empty filter is every
contact):

    {
      "tags_any":  ["vip", "newsletter"],      # has at least one of these tags
      "tags_all":  ["vip", "florida"],         # has every one of these tags
      "tags_none": ["churned"],                # has none of these tags
      "fields": [                              # custom fields (ContactField keys)
        {"key": "age", "op": "gte", "value": 21},
        {"key": "renewal", "op": "before", "value": "2026-01-01"},
        {"key": "city", "op": "contains", "value": "tampa"}
      ],
      "consent": ["sms"],                      # opted in on each of these channels
      "last_activity": {"within_days": 30},    # or {"older_than_days": 90}
      "has": ["phone", "email", "whatsapp"]    # these addresses are filled in
    }

Operators by field type: text `eq ne contains` (case-insensitive); number `eq ne gt lt gte
lte`; date `eq ne before after gt lt gte lte` with ISO `YYYY-MM-DD` values. Numbers are
stored as JSON numbers and dates as ISO strings (the services enforce it), so the database
compares numbers as numbers and dates in calendar order, on SQLite and PostgreSQL alike. A
contact without the field matches `ne` and no other operator. `older_than_days` includes
contacts that have never been active.

The filter compiles to one `Q` on `Contact`, so an audience stays a plain queryset a
broadcast can use as the subquery of its `INSERT … SELECT`.
"""

import datetime
import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from contacts.models import ContactField, FieldType
from tenants.models import Tenant

CONSENT_CHANNELS = ("sms", "whatsapp", "email")
ADDRESS_KINDS = ("phone", "email", "whatsapp")
TAG_KEYS = ("tags_any", "tags_all", "tags_none")
KNOWN_KEYS = (*TAG_KEYS, "fields", "consent", "last_activity", "has")
OPS_BY_TYPE = {
    FieldType.TEXT: ("eq", "ne", "contains"),
    FieldType.NUMBER: ("eq", "ne", "gt", "lt", "gte", "lte"),
    FieldType.DATE: ("eq", "ne", "before", "after", "gt", "lt", "gte", "lte"),
}
_LOOKUPS = {"gt": "gt", "lt": "lt", "gte": "gte", "lte": "lte", "before": "lt", "after": "gt"}
MAX_TAGS = 50
MAX_FIELD_CONDITIONS = 20
MAX_TEXT = 200
MAX_DAYS = 36_500


def normalize_tag(raw: Any) -> str:
    """A tag as stored: trimmed, lower case, no commas (the separator)."""
    return str(raw).replace(",", " ").replace("\x00", "").strip().lower()[:50]


class _Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(f"filter.{name}", []).append(message)


def _clean_tags(data: Mapping, key: str, errors: _Errors) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        errors.add(key, "Give a list of tags.")
        return []
    if len(value) > MAX_TAGS:
        errors.add(key, f"At most {MAX_TAGS} tags.")
        return []
    return sorted({normalize_tag(t) for t in value} - {""})


def _clean_choices(data: Mapping, key: str, allowed: tuple, errors: _Errors) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or any(v not in allowed for v in value):
        errors.add(key, "Give a list of: " + ", ".join(allowed) + ".")
        return []
    return sorted(set(value))


def clean_field_value(field_type: str, value: Any) -> Any:
    """A custom field's value as it is stored (number, ISO date string or text); raises
    ValueError with a sentence for people when the value doesn't fit the type."""
    if field_type == FieldType.NUMBER:
        if isinstance(value, bool):
            raise ValueError("Enter a number.")
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", ""))
            except ValueError:
                raise ValueError("Enter a number.") from None
        if not isinstance(value, int | float):
            raise ValueError("Enter a number.")
        if abs(value) > 1e15:
            raise ValueError("Enter a number below 10^15.")
        if not math.isfinite(value):
            raise ValueError("Enter a number.")
        return int(value) if float(value).is_integer() else float(value)
    if field_type == FieldType.DATE:
        if not isinstance(value, str):
            raise ValueError("Enter a date as YYYY-MM-DD.")
        try:
            return datetime.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            raise ValueError("Enter a date as YYYY-MM-DD.") from None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError("Enter text.")
    text = str(value).replace("\x00", "").strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"At most {MAX_TEXT} characters.")
    return text


def _clean_condition(
    index: int, item: Any, types: Mapping[str, str], errors: _Errors
) -> dict | None:
    name = f"fields.{index}"
    if not isinstance(item, dict):
        errors.add(name, "Give an object with key, op and value.")
        return None
    key, op = item.get("key"), item.get("op")
    if not isinstance(key, str) or key not in types:
        errors.add(f"{name}.key", "No custom field has this key.")
        return None
    allowed = OPS_BY_TYPE[types[key]]
    if op not in allowed:
        errors.add(f"{name}.op", f"For a {types[key]} field use one of: {', '.join(allowed)}.")
        return None
    try:
        value = clean_field_value(types[key], item.get("value"))
    except ValueError as err:
        errors.add(f"{name}.value", str(err))
        return None
    return {"key": key, "op": op, "value": value}


def _clean_fields(data: Mapping, types: Mapping[str, str], errors: _Errors) -> list[dict]:
    value = data.get("fields")
    if value is None:
        return []
    if not isinstance(value, list):
        errors.add("fields", "Give a list of conditions.")
        return []
    if len(value) > MAX_FIELD_CONDITIONS:
        errors.add("fields", f"At most {MAX_FIELD_CONDITIONS} conditions.")
        return []
    cleaned = [_clean_condition(i, item, types, errors) for i, item in enumerate(value)]
    return [c for c in cleaned if c is not None]


def _clean_activity(data: Mapping, errors: _Errors) -> dict:
    value = data.get("last_activity")
    if value in (None, {}):
        return {}
    if not isinstance(value, dict) or len(value) != 1:
        errors.add("last_activity", 'Give {"within_days": N} or {"older_than_days": N}.')
        return {}
    ((key, days),) = value.items()
    if key not in ("within_days", "older_than_days"):
        errors.add("last_activity", 'Give {"within_days": N} or {"older_than_days": N}.')
        return {}
    if isinstance(days, bool) or not isinstance(days, int) or not 0 < days <= MAX_DAYS:
        errors.add(f"last_activity.{key}", f"Enter a whole number of days, 1 to {MAX_DAYS}.")
        return {}
    return {key: days}


def field_types(tenant: Tenant) -> dict[str, str]:
    """The tenant's custom fields, key → type."""
    return dict(ContactField.objects.for_tenant(tenant).values_list("key", "type"))


def validate_filter(tenant: Tenant, data: Any) -> dict:
    """The filter cleaned (tags normalised, values typed); a ValidationError names each bad
    part as `filter.<key>` (conditions as `filter.fields.<n>.<part>`)."""
    errors = _Errors()
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        raise ValidationError({"filter": ["Give an object."]})
    for key in data:
        if key not in KNOWN_KEYS:
            errors.add(str(key)[:40], "Unknown condition; use: " + ", ".join(KNOWN_KEYS) + ".")
    cleaned: dict[str, Any] = {key: _clean_tags(data, key, errors) for key in TAG_KEYS}
    cleaned["fields"] = _clean_fields(data, field_types(tenant), errors)
    cleaned["consent"] = _clean_choices(data, "consent", CONSENT_CHANNELS, errors)
    cleaned["last_activity"] = _clean_activity(data, errors)
    cleaned["has"] = _clean_choices(data, "has", ADDRESS_KINDS, errors)
    if errors:
        raise ValidationError(dict(errors))
    return {key: value for key, value in cleaned.items() if value}


def _field_q(types: Mapping[str, str], condition: Mapping) -> Q:
    key, op, value = condition["key"], condition["op"], condition["value"]
    if key not in types:
        # The field was deleted since the filter was saved: match no one rather than widen
        # a marketing audience by dropping the condition.
        return Q(pk__in=[])
    path = f"fields__{key}"
    text = types[key] == FieldType.TEXT
    if op == "contains":
        return Q(**{f"{path}__icontains": value})
    if op in ("eq", "ne"):
        match = Q(**{f"{path}__iexact" if text else path: value})
        return ~match | Q(**{f"{path}__isnull": True}) if op == "ne" else match
    return Q(**{f"{path}__{_LOOKUPS[op]}": value})


def compile_filter(tenant: Tenant, data: Mapping) -> Q:
    """The Q a cleaned filter stands for (conditions ANDed); see the module docstring."""
    q = Q()
    for tag in data.get("tags_all", []):
        q &= Q(tags__contains=f",{tag},")
    if data.get("tags_any"):
        any_q = Q()
        for tag in data["tags_any"]:
            any_q |= Q(tags__contains=f",{tag},")
        q &= any_q
    for tag in data.get("tags_none", []):
        q &= ~Q(tags__contains=f",{tag},")
    conditions = data.get("fields", [])
    if conditions:
        types = field_types(tenant)
        for condition in conditions:
            q &= _field_q(types, condition)
    for channel in data.get("consent", []):
        q &= Q(**{f"{channel}_consent_at__isnull": False})
    activity = data.get("last_activity", {})
    if "within_days" in activity:
        since = timezone.now() - datetime.timedelta(days=activity["within_days"])
        q &= Q(last_activity_at__gte=since)
    if "older_than_days" in activity:
        before = timezone.now() - datetime.timedelta(days=activity["older_than_days"])
        q &= Q(last_activity_at__lt=before) | Q(last_activity_at__isnull=True)
    for kind in data.get("has", []):
        q &= ~Q(**{kind: ""})
    return q
