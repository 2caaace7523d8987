"""Writing contacts: create, update, delete, and recording an opt-in with its source.

An opt-in sets the contact's `<channel>_consent_at/_source` and is appended to the
messaging consent ledger (`messaging.ConsentEvent`, by number, so SMS and WhatsApp only: the
ledger keeps phone numbers). Opt-outs stay in `messaging.OptOut`: recording consent never
lifts one.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.filters import field_types
from contacts.models import Contact
from contacts.numbers import place_of
from contacts.services.cleaning import clean_contact
from messaging.services import consent_opt_ins_record
from tenants.models import Tenant
from tenants.services import Actor, record_audit

DUPLICATE_PHONE = "Another contact of yours has this phone number."
LEDGER_CHANNELS = ("sms", "whatsapp")


def apply_place(contact: Contact, *, time_zone_given: bool) -> None:
    """Derive zone, region and country from the phone, unless the zone was set by hand."""
    if time_zone_given and contact.time_zone:
        contact.time_zone_source = Contact.TimeZoneSource.MANUAL
    elif time_zone_given:
        contact.time_zone_source = Contact.TimeZoneSource.NUMBER
    place = place_of(contact.phone or contact.whatsapp)
    contact.region, contact.country = place.region, place.country
    if contact.time_zone_source == Contact.TimeZoneSource.NUMBER:
        contact.time_zone = place.time_zone


def ledger_number(contact: Contact, channel: str) -> str:
    """The number the ledger keeps a channel's consent under."""
    if channel == "whatsapp":
        return contact.whatsapp or contact.phone
    return contact.phone if channel == "sms" else ""


def _check_addresses(contact: Contact, consent: Mapping[str, str]) -> None:
    if not (contact.phone or contact.email or contact.whatsapp):
        raise ValidationError({"phone": "Give a phone number, an email or a WhatsApp number."})
    for channel in consent:
        if channel == "email" and not contact.email:
            raise ValidationError({f"consent.{channel}": "The contact has no email address."})
        if channel != "email" and not ledger_number(contact, channel):
            raise ValidationError({f"consent.{channel}": "The contact has no phone number."})


def _grant(contact: Contact, consent: Mapping[str, str], actor: Actor) -> list[str]:
    """Set the consent columns of each channel in `consent` and append it to the ledger."""
    now = timezone.now()
    changed = []
    for channel, source in consent.items():
        setattr(contact, f"{channel}_consent_at", now)
        setattr(contact, f"{channel}_consent_source", source)
        changed += [f"{channel}_consent_at", f"{channel}_consent_source"]
        if channel in LEDGER_CHANNELS:
            consent_opt_ins_record(
                tenant=contact.tenant,
                numbers=[ledger_number(contact, channel)],
                channel=channel,
                source=source,
                actor=actor,
                reason="Recorded in the contact book.",
            )
    return changed


def _save(contact: Contact, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            contact.save(**kwargs)
    except IntegrityError as err:
        raise ValidationError({"phone": DUPLICATE_PHONE}) from err


def contact_create(*, tenant: Tenant, actor: Actor, data: Mapping[str, Any]) -> Contact:
    """A new contact (phone E.164 and unique in the tenant; zone from the number unless
    given); consent given in `data["consent"]` is recorded with its source."""
    cleaned = clean_contact(data, types=field_types(tenant))
    consent = cleaned.pop("consent", {})
    fields = {k: v for k, v in cleaned.pop("fields", {}).items() if v is not None}
    contact = Contact(tenant=tenant, fields=fields, **cleaned)
    apply_place(contact, time_zone_given=bool(cleaned.get("time_zone")))
    _check_addresses(contact, consent)
    with transaction.atomic():
        _save(contact)
        if consent:
            _save(contact, update_fields=_grant(contact, consent, actor))
        record_audit(
            tenant=tenant,
            actor=actor,
            action="contact.created",
            target=contact,
            changes={"phone": contact.phone, "email": contact.email, "consent": consent},
        )
    return contact


def contact_update(*, contact: Contact, actor: Actor, data: Mapping[str, Any]) -> Contact:
    """Change the attributes given; custom fields merge (an empty value removes one). A blank
    `time_zone` goes back to the number's zone."""
    cleaned = clean_contact(data, types=field_types(contact.tenant))
    consent = cleaned.pop("consent", {})
    for key, value in cleaned.pop("fields", {}).items():
        if value is None:
            contact.fields.pop(key, None)
        else:
            contact.fields[key] = value
    for name, value in cleaned.items():
        setattr(contact, name, value)
    apply_place(contact, time_zone_given="time_zone" in cleaned)
    _check_addresses(contact, consent)
    contact.updated_at = timezone.now()
    with transaction.atomic():
        _grant(contact, consent, actor)
        _save(contact)
        record_audit(
            tenant=contact.tenant,
            actor=actor,
            action="contact.updated",
            target=contact,
            changes={**{k: str(v) for k, v in cleaned.items()}, "consent": consent},
        )
    return contact


def contact_delete(*, contact: Contact, actor: Actor) -> None:
    """Delete a contact (its opt-outs and ledger entries stay: they are by number)."""
    with transaction.atomic():
        record_audit(
            tenant=contact.tenant,
            actor=actor,
            action="contact.deleted",
            changes={"id": str(contact.pk), "phone": contact.phone, "email": contact.email},
        )
        contact.delete()
