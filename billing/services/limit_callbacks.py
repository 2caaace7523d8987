"""Twilio's Usage Trigger callback: who must have signed it, and what it does.

Twilio posts `AccountSid`, `UsageTriggerSid`, `DateFired`, `Recurring`, `UsageCategory`,
`TriggerBy`, `TriggerValue`, `CurrentValue`, `UsageRecordUri` and `IdempotencyToken` once per
period a trigger fires. The trigger named is one of a limit's (`UsageLimitTrigger`): only the
account it was created on may sign for it. A trigger the platform no longer knows (a limit
changed or deleted while the callback was on its way) changes nothing.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from billing.models import UsageLimitEvent, UsageLimitTrigger
from billing.services.limit_events import Source, limit_reached
from provisioning.accounts import CallbackOwner, account_callback_owner


def usage_trigger_owner(params: Mapping[str, str]) -> CallbackOwner | None:
    """The limit's trigger the callback names, with the one account that may sign it (one
    indexed lookup by SID); None when the platform knows no such trigger."""
    sid = params.get("UsageTriggerSid") or ""
    if not sid:
        return None
    trigger = UsageLimitTrigger.objects.select_related("limit").filter(sid=sid).first()
    if trigger is None:
        return None
    return account_callback_owner(trigger.tenant_id, trigger.account_sid, subject=trigger)


def _decimal(raw: str | None) -> Decimal | None:
    try:
        value = Decimal((raw or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def apply_usage_trigger(
    trigger: UsageLimitTrigger, params: Mapping[str, str]
) -> UsageLimitEvent | None:
    """The limit reached the trigger's percent: recorded once per period (a replay: None)."""
    return limit_reached(
        limit=trigger.limit,
        percent=trigger.percent,
        source=Source.CALLBACK,
        current_value=_decimal(params.get("CurrentValue")),
        trigger_sid=trigger.sid,
    )
