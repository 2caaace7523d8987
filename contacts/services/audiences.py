"""Audiences: static lists (members added and removed set-based) and saved filters."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from contacts.filters import validate_filter
from contacts.models import Audience, AudienceMember, Contact
from tenants.models import Tenant
from tenants.services import Actor, record_audit

MAX_IDS = 1000


class AudienceInUse(Exception):
    """The audience is the audience of a broadcast (which keeps it)."""


def _clean(tenant: Tenant, data: Mapping[str, Any], audience: Audience | None) -> dict:
    cleaned: dict[str, Any] = {}
    if "name" in data or audience is None:
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or "\x00" in name:
            raise ValidationError({"name": "Give the audience a name."})
        if len(name) > 200:
            raise ValidationError({"name": "At most 200 characters."})
        cleaned["name"] = name.strip()
    if "description" in data:
        text = data["description"] or ""
        if not isinstance(text, str) or len(text) > 500 or "\x00" in text:
            raise ValidationError({"description": "At most 500 characters of text."})
        cleaned["description"] = text.strip()
    if audience is None:
        kind = data.get("kind", Audience.Kind.FILTER)
        if kind not in Audience.Kind.values:
            raise ValidationError({"kind": "Choose static or filter."})
        cleaned["kind"] = kind
    if "filter" in data:
        cleaned["filter"] = validate_filter(tenant, data["filter"])
    return cleaned


def _save(audience: Audience) -> None:
    try:
        with transaction.atomic():
            audience.save()
    except IntegrityError as err:
        raise ValidationError({"name": "You have an audience with this name."}) from err


def audience_create(*, tenant: Tenant, actor: Actor, data: Mapping[str, Any]) -> Audience:
    """A static list (add members after) or a saved filter (validated, see contacts.filters)."""
    audience = Audience(tenant=tenant, created_by=actor.user, **_clean(tenant, data, None))
    if audience.kind == Audience.Kind.STATIC:
        audience.filter = {}
    with transaction.atomic():
        _save(audience)
        record_audit(tenant=tenant, actor=actor, action="audience.created", target=audience)
    return audience


def audience_update(*, audience: Audience, actor: Actor, data: Mapping[str, Any]) -> Audience:
    """Rename, describe, or change the filter (a static list's filter stays empty)."""
    cleaned = _clean(audience.tenant, data, audience)
    if audience.kind == Audience.Kind.STATIC and cleaned.get("filter"):
        raise ValidationError({"filter": "A static list has members, not a filter."})
    for name, value in cleaned.items():
        setattr(audience, name, value)
    audience.updated_at = timezone.now()
    with transaction.atomic():
        _save(audience)
        record_audit(
            tenant=audience.tenant,
            actor=actor,
            action="audience.updated",
            target=audience,
            changes={k: str(v) for k, v in cleaned.items()},
        )
    return audience


def audience_delete(*, audience: Audience, actor: Actor) -> None:
    """Delete an audience no broadcast uses (AudienceInUse otherwise)."""
    try:
        with transaction.atomic():
            record_audit(
                tenant=audience.tenant,
                actor=actor,
                action="audience.deleted",
                changes={"name": audience.name},
            )
            audience.delete()
    except ProtectedError as err:
        raise AudienceInUse("A broadcast uses this audience; it keeps it.") from err


def _static(audience: Audience) -> None:
    if audience.kind != Audience.Kind.STATIC:
        raise ValidationError({"contacts": "Only a static list has members; edit the filter."})


def members_add(*, audience: Audience, actor: Actor, contacts: QuerySet[Contact]) -> int:
    """Add the tenant's contacts in `contacts` (already members are skipped); how many."""
    _static(audience)
    contacts = contacts.filter(tenant=audience.tenant)
    existing = AudienceMember.objects.for_tenant(audience.tenant).filter(audience=audience)
    new_ids = contacts.exclude(pk__in=existing.values("contact_id")).values_list("pk", flat=True)
    added = 0
    with transaction.atomic():
        batch: list[AudienceMember] = []
        for contact_id in new_ids.iterator(chunk_size=2000):
            batch.append(
                AudienceMember(tenant=audience.tenant, audience=audience, contact_id=contact_id)
            )
            if len(batch) >= 2000:
                added += len(AudienceMember.objects.bulk_create(batch, ignore_conflicts=True))
                batch = []
        added += len(AudienceMember.objects.bulk_create(batch, ignore_conflicts=True))
        record_audit(
            tenant=audience.tenant,
            actor=actor,
            action="audience.members_added",
            target=audience,
            changes={"added": added},
        )
    return added


def members_remove(*, audience: Audience, actor: Actor, contact_ids: Iterable[Any]) -> int:
    """Take contacts off a static list; how many were on it."""
    _static(audience)
    ids = list(contact_ids)[:MAX_IDS]
    with transaction.atomic():
        removed, _ = (
            AudienceMember.objects.for_tenant(audience.tenant)
            .filter(audience=audience, contact_id__in=ids)
            .delete()
        )
        record_audit(
            tenant=audience.tenant,
            actor=actor,
            action="audience.members_removed",
            target=audience,
            changes={"removed": removed},
        )
    return removed
