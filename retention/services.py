"""Reading and changing a tenant's retention policy. Each change writes an audit row."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from retention.models import RetentionPolicy
from tenants.models import Tenant
from tenants.services import Actor, record_audit

PERIOD_FIELDS = ("event_days", "body_days")


def policy_for(tenant: Tenant) -> RetentionPolicy:
    """The tenant's policy; an unsaved one (all defaults) when it never changed it."""
    policy = RetentionPolicy.objects.for_tenant(tenant).first()
    return policy or RetentionPolicy(tenant=tenant)


def clean_period(name: str, value: Any) -> int | None:
    """A period in whole days within the platform's bounds; empty means the default."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError({name: "Give a whole number of days."})
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: "Give a whole number of days."}) from None
    if str(days) != str(value).strip() and days != value:
        raise ValidationError({name: "Give a whole number of days."})
    low, high = settings.RETENTION_MIN_DAYS, settings.RETENTION_MAX_DAYS
    if not low <= days <= high:
        raise ValidationError({name: f"Choose between {low} and {high} days."})
    return days


def retention_policy_update(
    *, tenant: Tenant, data: Mapping[str, Any], actor: Actor
) -> RetentionPolicy:
    """Set any of the tenant's periods (`event_days`, `body_days`; None: the default)."""
    cleaned = {name: clean_period(name, data[name]) for name in PERIOD_FIELDS if name in data}
    with transaction.atomic():
        policy, _ = RetentionPolicy.objects.select_for_update().get_or_create(tenant=tenant)
        changes = {
            name: [getattr(policy, name), value]
            for name, value in cleaned.items()
            if getattr(policy, name) != value
        }
        if not changes:
            return policy
        for name, (_, value) in changes.items():
            setattr(policy, name, value)
        policy.save()
        record_audit(
            tenant=tenant,
            actor=actor,
            action="retention_policy.updated",
            target=policy,
            changes=changes,
        )
    return policy
