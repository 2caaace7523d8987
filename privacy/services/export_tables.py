"""What a tenant's data export holds: every tenant-owned table, the tenant itself, its
members' accounts and its audit log, one JSON-lines file each. Secrets never leave:
encrypted fields, password and key hashes, claim tokens and tables that are only the
platform's bookkeeping are left out here, in one place.

Being generic over `TenantOwned`, a table added later is exported without a change here.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile

from isvplatform.fields import EncryptedTextField
from messaging.models import Message, WebhookEvent
from provisioning.models import TwilioSubaccount
from tenants.models import AuditEvent, Membership, Tenant, TenantOwned
from webhooks.models import WebhookAttempt

# Tables that are the platform's own bookkeeping, never the tenant's data (or only copies of
# its own hashes): Stripe's raw events, keyed hashes. Everything an erasure can remove is
# exported (the replayed API answers too, and below the raw callbacks and delivery attempts
# that are the tenant's without a tenant column).
SKIPPED_MODELS = frozenset(
    {
        "provisioning.stripeevent",
        "privacy.suppressionhash",
    }
)
# Column names that carry a secret or a hash of one even when not encrypted.
SECRET_NAME_PARTS = ("password", "secret", "hashed", "claim_token", "subject_hash", "auth_token")
USER_FIELDS = ("id", "email", "first_name", "last_name", "is_active", "date_joined", "last_login")


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    rows: Callable[[Tenant], QuerySet]
    fields: tuple[models.Field, ...]


def is_secret(field: models.Field) -> bool:
    if isinstance(field, EncryptedTextField):
        return True
    return any(part in field.name for part in SECRET_NAME_PARTS)


def exported_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if not is_secret(f))


def _users(tenant: Tenant) -> QuerySet:
    members = Membership.objects.for_tenant(tenant).values("user_id")
    return get_user_model().objects.filter(pk__in=members)


def _user_fields() -> tuple[models.Field, ...]:
    meta = get_user_model()._meta
    return tuple(meta.get_field(name) for name in USER_FIELDS)


def _twilio_events(tenant: Tenant) -> QuerySet:
    """Twilio's callbacks about the tenant's messages, or on its accounts."""
    sids = Message.objects.for_tenant(tenant).filter(sid__isnull=False).values("sid")
    accounts = TwilioSubaccount.objects.filter(tenant=tenant).values("sid")
    return WebhookEvent.objects.filter(
        models.Q(message_sid__in=sids) | models.Q(account_sid__in=accounts)
    )


def _untenanted() -> list[Table]:
    """The tenant's rows in tables without a tenant column."""
    return [
        Table("messaging.webhookevent", WebhookEvent, _twilio_events, ()),
        Table(
            "webhooks.webhookattempt",
            WebhookAttempt,
            lambda t: WebhookAttempt.objects.filter(delivery__tenant=t),
            (),
        ),
    ]


def tables() -> list[Table]:
    """The export's tables in a stable order: the tenant first, then every app's own."""
    found = [
        Table("tenants.tenant", Tenant, lambda t: Tenant.objects.filter(pk=t.pk), ()),
        Table("users", get_user_model(), _users, _user_fields()),
        Table("tenants.auditevent", AuditEvent, lambda t: AuditEvent.objects.for_tenant(t), ()),
    ]
    for model in apps.get_models():
        label = model._meta.label_lower
        if not issubclass(model, TenantOwned) or label in SKIPPED_MODELS:
            continue
        found.append(Table(label, model, lambda t, m=model: m.objects.filter(tenant=t), ()))
    found += _untenanted()
    ordered = found[:3] + sorted(found[3:], key=lambda t: t.name)
    return [Table(t.name, t.model, t.rows, t.fields or exported_fields(t.model)) for t in ordered]


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def row_json(fields: tuple[models.Field, ...], obj: models.Model) -> str:
    record = {f.attname: _plain(f.value_from_object(obj)) for f in fields}
    return json.dumps(record, ensure_ascii=False, default=str)


def batches(table: Table, tenant: Tenant, size: int) -> Iterator[list[models.Model]]:
    """The table's rows by primary key, `size` at a time (keyset pages, no OFFSET)."""
    queryset = table.rows(tenant).order_by("pk").only(*(f.attname for f in table.fields))
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        rows = list(page[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk
