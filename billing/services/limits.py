"""A tenant's spending limits: soft (an alert at 80% and 100%) or hard (sending stops at
100%), on spend or on a category's count, per day or per month.

Rules `limit_save` keeps:
- the value is more than 0 and at most `MAX_VALUES` (spend in USD, at most 4 decimals; a
  count whole); spend counts every category (`totalprice`), a count one leaf category;
- one limit per (level, measure, category, period), and a soft limit stays below the hard
  limit of the same measure, category and period (either may be saved first);
- a limit staff set (`by_staff`) is the business's to see, not to change or delete: a
  tenant actor gets PermissionDenied (403), as does a non-staff actor passing `by_staff`;
- a changed value starts the period's state afresh (the new thresholds alert again).
Each change is audited and synced to Twilio's Usage Triggers after commit (`limit_sync`).
Staff may lift a hard limit for the current period (`limit_lift`), audited.

Every send asks `limit_admission` (registered by `billing.gate`): it reads the cached
verdict `limit_events.tenant_stops`, no query on a hit.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from billing import enqueue
from billing.categories import LEAVES, TOTAL
from billing.models import UsageLimit, UsageLimitEvent
from billing.services.limit_events import (
    current_key,
    forget_stops,
    limit_words,
    resume_broadcasts,
    tenant_stops,
)
from billing.services.limit_sync import limit_sync, limits_check
from messaging.services.admission import Admission
from messaging.services.common import SendRefused
from tenants.models import Tenant
from tenants.services import Actor, record_audit

__all__ = [
    "MAX_VALUES",
    "limit_admission",
    "limit_delete",
    "limit_lift",
    "limit_save",
    "limit_sync",
    "limits_check",
    "sending_stopped",
]

Level, Measure, Period = UsageLimit.Level, UsageLimit.Measure, UsageLimit.Period
MAX_VALUES = {Measure.SPEND: Decimal("1000000"), Measure.COUNT: Decimal("100000000")}
CONFIG_FIELDS = ("level", "measure", "category", "period", "value")
REFUSAL = "spending_limit_reached"


def is_staff(actor: Actor) -> bool:
    return actor.api_key is None and actor.user is not None and actor.user.is_staff


def _choice(value: Any, field: str, choices: type) -> str:
    if value not in choices.values:
        raise ValidationError({field: f"Choose one of {', '.join(choices.values)}."})
    return value


def _value(raw: Any, measure: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": "Enter a number."}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({"value": "The limit must be more than 0."})
    if value > MAX_VALUES[measure]:
        raise ValidationError({"value": f"The limit can be at most {MAX_VALUES[measure]:,}."})
    if measure == Measure.COUNT and value != value.to_integral_value():
        raise ValidationError({"value": "A count limit is a whole number."})
    if value != value.quantize(Decimal("0.0001")):
        raise ValidationError({"value": "Use at most 4 decimal places."})
    return value


def _category(raw: Any, measure: str) -> str:
    category = raw or TOTAL
    if measure == Measure.SPEND and category != TOTAL:
        raise ValidationError({"category": f"A spend limit counts every category ({TOTAL})."})
    if measure == Measure.COUNT and category not in LEAVES:
        raise ValidationError({"category": f"Choose one of {', '.join(LEAVES)}."})
    return category


def _clean(level: Any, measure: Any, period: Any, value: Any, category: Any) -> dict[str, Any]:
    measure = _choice(measure, "measure", Measure)
    return {
        "level": _choice(level, "level", Level),
        "measure": measure,
        "category": _category(category, measure),
        "period": _choice(period, "period", Period),
        "value": _value(value, measure),
    }


def _check_neighbours(tenant: Tenant, config: dict[str, Any], limit: UsageLimit | None) -> None:
    """One limit per level and shape; a soft one below the hard one of the same shape."""
    shape = {k: config[k] for k in ("measure", "category", "period")}
    others = UsageLimit.objects.for_tenant(tenant).filter(**shape)
    if limit is not None:
        others = others.exclude(pk=limit.pk)
    for other in others:
        if other.level == config["level"]:
            raise ValidationError(
                {"level": f"There is a {limit_words(other)} already; change that one instead."}
            )
        if other.sync_status == UsageLimit.SyncStatus.DELETING:
            continue
        soft, hard = (
            (config["value"], other.value)
            if other.level == Level.HARD
            else (
                other.value,
                config["value"],
            )
        )
        if soft >= hard:
            raise ValidationError(
                {"value": f"A soft limit must be below the hard limit ({limit_words(other)})."}
            )


def _own(tenant: Tenant, limit: UsageLimit) -> UsageLimit:
    found = UsageLimit.objects.for_tenant(tenant).filter(pk=limit.pk).first()
    if found is None:
        raise ValidationError({"limit": "No such limit."})
    if found.sync_status == UsageLimit.SyncStatus.DELETING:
        raise ValidationError({"limit": "This limit is being removed."})
    return found


def _restart_period(limit: UsageLimit) -> None:
    """A changed limit alerts afresh: the period's state and events are forgotten."""
    UsageLimitEvent.objects.filter(limit=limit, period_key=current_key(limit)).delete()
    limit.state_period, limit.warned_at, limit.reached_at = "", None, None


def limit_save(
    *,
    tenant: Tenant,
    actor: Actor,
    level: str,
    measure: str,
    period: str,
    value: Decimal | str | int,
    category: str = TOTAL,
    limit: UsageLimit | None = None,
    by_staff: bool = False,
) -> UsageLimit:
    """Create or change a limit (ValidationError naming the field; PermissionDenied for a
    staff-set limit changed by the tenant); synced to Twilio once committed."""
    if by_staff and not is_staff(actor):
        raise PermissionDenied("Only staff set a limit on a business's behalf.")
    if limit is not None:
        limit = _own(tenant, limit)
        if limit.set_by_staff and not by_staff:
            raise PermissionDenied("This limit was set by staff; ask them to change it.")
    config = _clean(level, measure, period, value, category)
    _check_neighbours(tenant, config, limit)
    before = {k: getattr(limit, k) for k in CONFIG_FIELDS} if limit is not None else {}
    if limit is not None and before == config and limit.set_by_staff == by_staff:
        return limit
    with transaction.atomic():
        if limit is None:
            limit = UsageLimit(tenant=tenant, created_by=actor.user)
        elif before != config:
            _restart_period(limit)
        for field, new in config.items():
            setattr(limit, field, new)
        limit.set_by_staff = by_staff
        limit.sync_status, limit.last_error = UsageLimit.SyncStatus.PENDING, ""
        limit.save()
        changes = {k: str(v) for k, v in config.items()} | {"by_staff": by_staff}
        if before:
            changes["previous"] = {k: str(v) for k, v in before.items()}
        record_audit(
            tenant=tenant, actor=actor, action="billing.limit_set", target=limit, changes=changes
        )
        enqueue.sync_limit(limit.pk)
        forget_stops(tenant.pk)
    resume_broadcasts(tenant)
    return limit


def limit_delete(*, limit: UsageLimit, actor: Actor) -> None:
    """Remove a limit: its triggers at Twilio, then the row (`limit_sync`); audited."""
    if limit.set_by_staff and not is_staff(actor):
        raise PermissionDenied("This limit was set by staff; ask them to remove it.")
    with transaction.atomic():
        marked = (
            UsageLimit.objects.filter(pk=limit.pk)
            .exclude(sync_status=UsageLimit.SyncStatus.DELETING)
            .update(sync_status=UsageLimit.SyncStatus.DELETING, updated_at=timezone.now())
        )
        if not marked:
            return
        record_audit(
            tenant=limit.tenant,
            actor=actor,
            action="billing.limit_deleted",
            target=limit,
            changes={k: str(getattr(limit, k)) for k in CONFIG_FIELDS},
        )
        enqueue.sync_limit(limit.pk)
        forget_stops(limit.tenant_id)
    limit.sync_status = UsageLimit.SyncStatus.DELETING
    resume_broadcasts(limit.tenant)


def limit_lift(*, limit: UsageLimit, actor: Actor, reason: str) -> UsageLimit:
    """Staff let the tenant send past a hard limit for the current period only; audited, and
    its broadcasts paused by the limit resume."""
    if not is_staff(actor):
        raise PermissionDenied("Only staff lift a spending limit.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the limit is lifted (it is audited)."})
    if len(reason) > 500:
        raise ValidationError({"reason": "Keep the reason under 500 characters."})
    if limit.level != Level.HARD:
        raise ValidationError(
            {"limit": "Only a hard limit stops sending; a soft one has nothing to lift."}
        )
    key = current_key(limit)
    with transaction.atomic():
        UsageLimit.objects.filter(pk=limit.pk).update(
            lifted_period=key, lifted_by=actor.user, lifted_at=timezone.now(), lift_reason=reason
        )
        record_audit(
            tenant=limit.tenant,
            actor=actor,
            action="billing.limit_lifted",
            target=limit,
            changes={"period": key, "reason": reason},
        )
        forget_stops(limit.tenant_id)
    limit.refresh_from_db()
    resume_broadcasts(limit.tenant)
    return limit


def sending_stopped(tenant: Tenant, channel: str | None = None) -> UsageLimit | None:
    """The hard limit that stops the tenant's sends now (on `channel`, or any), if one does."""
    stop = next((s for s in tenant_stops(tenant) if s.covers(channel)), None)
    if stop is None:
        return None
    return UsageLimit.objects.for_tenant(tenant).filter(pk=stop.limit_id).first()


def limit_admission(tenant: Tenant, *, channel: str, count: int, origin: str) -> Admission:
    """None of `count` go while a hard limit covering `channel` stops the tenant's sends."""
    for stop in tenant_stops(tenant):
        if stop.covers(channel):
            return Admission(0, SendRefused(REFUSAL, stop.message))
    return Admission(count)
