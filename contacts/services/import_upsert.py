"""Writing one chunk of imported rows, set-based: one read of the chunk's existing
contacts, one bulk insert, one bulk update, the ledger's opt-ins in one insert.

Rows with the same phone inside the chunk merge (later non-blank values win, tags add up);
across chunks the later row finds the contact the earlier one created and updates it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from contacts.models import Contact, ContactImport
from contacts.services.cleaning import tags_column
from contacts.services.contacts import apply_place, ledger_number
from messaging.services import consent_opt_ins_record
from tenants.services import Actor

UPDATED_FIELDS = [
    "first_name", "last_name", "email", "whatsapp", "tags", "fields", "time_zone",
    "time_zone_source", "region", "country", "sms_consent_at", "sms_consent_source",
    "whatsapp_consent_at", "whatsapp_consent_source", "email_consent_at",
    "email_consent_source", "updated_at",
]  # fmt: skip


@dataclass
class ChunkCounts:
    created: int = 0
    updated: int = 0


def _merge_rows(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rows by phone, duplicates merged."""
    merged: dict[str, dict[str, Any]] = {}
    for data in rows:
        into = merged.setdefault(data["phone"], {"fields": {}, "tag_list": []})
        for name, value in data.items():
            if name == "fields":
                into["fields"].update(value)
            elif name == "tags":
                into["tag_list"] += value.strip(",").split(",")
            elif value != "":
                into[name] = value
    return merged


def _apply(contact: Contact, data: dict[str, Any], extra_tags: list[str]) -> None:
    for name in ("first_name", "last_name", "email", "whatsapp"):
        if data.get(name):
            setattr(contact, name, data[name])
    contact.tags = tags_column([*contact.tag_list, *data["tag_list"], *extra_tags])[:1000]
    contact.fields = {**(contact.fields or {}), **data["fields"]}
    zone = data.get("time_zone", "")
    if zone:
        contact.time_zone = zone
    apply_place(contact, time_zone_given=bool(zone))
    contact.updated_at = timezone.now()


def _grant(contacts: list[Contact], job: ContactImport, actor: Actor) -> None:
    """Opt in the contacts not yet opted in on the import's consent channels."""
    now = timezone.now()
    for channel in job.consent_channels:
        fresh = []
        for contact in contacts:
            if getattr(contact, f"{channel}_consent_at"):
                continue
            if channel == "email" and not contact.email:
                continue
            setattr(contact, f"{channel}_consent_at", now)
            setattr(contact, f"{channel}_consent_source", job.consent_source)
            fresh.append(contact)
        if channel != "email" and fresh:
            consent_opt_ins_record(
                tenant=job.tenant,
                numbers=[ledger_number(c, channel) for c in fresh],
                channel=channel,
                source=job.consent_source,
                actor=actor,
                reason=f"Imported with {job.original_name}"[:500],
            )


def upsert_chunk(job: ContactImport, rows: list[dict[str, Any]], actor: Actor) -> ChunkCounts:
    """Create or update the contacts of one chunk's clean rows (run inside the chunk's
    transaction, with the checkpoint)."""
    merged = _merge_rows(rows)
    extra_tags = job.add_tags.split(",") if job.add_tags else []
    existing = {
        c.phone: c for c in Contact.objects.for_tenant(job.tenant).filter(phone__in=list(merged))
    }
    new: list[Contact] = []
    for phone, data in merged.items():
        contact = existing.get(phone)
        if contact is None:
            contact = Contact(tenant=job.tenant, phone=phone, fields={})
            new.append(contact)
        _apply(contact, data, extra_tags)
    _grant([*existing.values(), *new], job, actor)
    Contact.objects.bulk_create(new, batch_size=500)
    Contact.objects.bulk_update(list(existing.values()), UPDATED_FIELDS, batch_size=500)
    return ChunkCounts(created=len(new), updated=len(rows) - len(new))
