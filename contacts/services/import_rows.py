"""Turning CSV rows into contact attributes through the column mapping, shared by the dry
run and the job, so the preview refuses exactly the rows the import will."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from contacts.csvfile import Record
from contacts.services.cleaning import clean_contact

ATTRIBUTES = ("phone", "first_name", "last_name", "email", "whatsapp", "tags", "time_zone")
FIELD_PREFIX = "field:"
GUESSES = {
    "phone": ("phone", "phone number", "mobile", "mobile number", "cell", "number", "msisdn"),
    "first_name": ("first name", "firstname", "first", "given name", "name"),
    "last_name": ("last name", "lastname", "last", "surname", "family name"),
    "email": ("email", "e-mail", "email address"),
    "whatsapp": ("whatsapp", "whatsapp number"),
    "tags": ("tags", "tag", "labels"),
    "time_zone": ("time zone", "timezone", "tz"),
}


def guess_mapping(columns: list[str], field_keys: list[str]) -> dict[str, str]:
    """A first mapping from the header's names (the person corrects it)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        name = column.strip().lower().replace("_", " ")
        target = ""
        for attribute, names in GUESSES.items():
            if name in names and attribute not in taken:
                target = attribute
                break
        key = column.strip().lower().replace(" ", "_")
        if not target and key in field_keys and f"{FIELD_PREFIX}{key}" not in taken:
            target = f"{FIELD_PREFIX}{key}"
        mapping[column] = target
        taken.add(target)
    return mapping


def validate_mapping(mapping: Any, columns: list[str], types: Mapping[str, str]) -> dict[str, str]:
    """The mapping cleaned: every column known, each target used once, phone mapped."""
    if not isinstance(mapping, dict):
        raise ValidationError({"mapping": "Give an object of CSV column → attribute."})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    used: dict[str, str] = {}
    for column, target in mapping.items():
        target = target or ""
        if column not in columns:
            errors[f"mapping.{str(column)[:60]}"] = ["The file has no such column."]
        elif not isinstance(target, str) or not (
            target in ATTRIBUTES
            or target == ""
            or (target.startswith(FIELD_PREFIX) and target[len(FIELD_PREFIX) :] in types)
        ):
            errors[f"mapping.{column}"] = [
                "Map to: " + ", ".join(ATTRIBUTES) + ", field:<key> of a custom field, or skip."
            ]
        elif target and target in used:
            errors[f"mapping.{column}"] = [f"{used[target]!r} is mapped to {target} already."]
        else:
            cleaned[column] = target
            if target:
                used[target] = column
    if not errors and "phone" not in used:
        errors["mapping"] = ["Map one column to phone: contacts are matched by phone number."]
    if errors:
        raise ValidationError(errors)
    return cleaned


@dataclass
class RowResult:
    """One row made into attributes (`data`), or its errors (column, value, message)."""

    row: int
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """What each cell of a row becomes: (index, column, target) for the mapped columns."""

    targets: list[tuple[int, str, str]]
    types: Mapping[str, str]

    @classmethod
    def build(cls, columns: list[str], mapping: Mapping[str, str], types: Mapping[str, str]):
        index = {name: i for i, name in enumerate(columns)}
        targets = [(index[c], c, t) for c, t in mapping.items() if t and c in index]
        return cls(targets=targets, types=types)


def _error_column(name: str, plan: Plan) -> str:
    target = f"{FIELD_PREFIX}{name[7:]}" if name.startswith("fields.") else name
    for _, column, mapped in plan.targets:
        if mapped == target:
            return column
    return ""


def read_row(record: Record, row: int, plan: Plan) -> RowResult:
    """Clean one record through the plan; blank cells are left out (they erase nothing)."""
    result = RowResult(row=row)
    if record.error:
        result.errors.append(("", "", record.error))
        return result
    raw: dict[str, Any] = {}
    fields: dict[str, str] = {}
    for index, _, target in plan.targets:
        cell = record.cells[index].strip() if index < len(record.cells) else ""
        if not cell:
            continue
        if target.startswith(FIELD_PREFIX):
            fields[target[len(FIELD_PREFIX) :]] = cell
        else:
            raw[target] = cell
    if fields:
        raw["fields"] = fields
    try:
        result.data = clean_contact(raw, types=plan.types)
    except ValidationError as err:
        for name, messages in err.message_dict.items():
            column = _error_column(name, plan)
            value = _cell_value(raw, name)
            result.errors.append((column, value[:255], " ".join(messages)[:500]))
        return result
    if not result.data.get("phone"):
        result.errors.append((_error_column("phone", plan), "", "No phone number."))
    return result


def _cell_value(raw: Mapping[str, Any], name: str) -> str:
    if name.startswith("fields."):
        return str(raw.get("fields", {}).get(name[7:], ""))
    return str(raw.get(name, ""))
