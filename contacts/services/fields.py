"""Custom field definitions. A field's type is fixed once contacts hold values for it: the
saved filters compare the stored values as that type."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contacts.models import Contact, ContactField, FieldType
from tenants.models import Tenant
from tenants.services import Actor, record_audit

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED_KEYS = frozenset(
    {"phone", "first_name", "last_name", "email", "whatsapp", "tags", "time_zone", "skip"}
)


def _clean_label(label: Any) -> str:
    if not isinstance(label, str) or not label.strip() or "\x00" in label:
        raise ValidationError({"label": "Give the field a name."})
    if len(label) > 100:
        raise ValidationError({"label": "At most 100 characters."})
    return label.strip()


def field_create(*, tenant: Tenant, actor: Actor, key: str, label: str, type: str) -> ContactField:
    """A new custom field; its key is how imports, filters and the API name it."""
    if not isinstance(key, str) or not KEY_PATTERN.match(key) or key in RESERVED_KEYS:
        raise ValidationError(
            {"key": "Use lower-case letters, digits and _ (starting with a letter), not a "
             "built-in attribute's name."}
        )  # fmt: skip
    if type not in FieldType.values:
        raise ValidationError({"type": "Choose text, number or date."})
    field = ContactField(tenant=tenant, key=key, label=_clean_label(label), type=type)
    try:
        with transaction.atomic():
            field.save()
            record_audit(tenant=tenant, actor=actor, action="contact_field.created", target=field)
    except IntegrityError as err:
        raise ValidationError({"key": "You have a field with this key."}) from err
    return field


def field_update(
    *, field: ContactField, actor: Actor, label: str | None = None, type: str | None = None
) -> ContactField:
    """Rename a field; its type changes only while no contact has a value for it."""
    if label is not None:
        field.label = _clean_label(label)
    if type is not None and type != field.type:
        if type not in FieldType.values:
            raise ValidationError({"type": "Choose text, number or date."})
        held = Contact.objects.for_tenant(field.tenant).filter(fields__has_key=field.key)
        if held.exists():
            raise ValidationError({"type": "Contacts have values for this field already."})
        field.type = type
    with transaction.atomic():
        field.save(update_fields=["label", "type"])
        record_audit(tenant=field.tenant, actor=actor, action="contact_field.updated", target=field)
    return field


def field_delete(*, field: ContactField, actor: Actor) -> None:
    """Delete the definition; saved filters naming it then match no one."""
    with transaction.atomic():
        record_audit(
            tenant=field.tenant,
            actor=actor,
            action="contact_field.deleted",
            changes={"key": field.key},
        )
        field.delete()
