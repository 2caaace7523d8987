"""Usage Triggers: Twilio calls a URL once per period when an account's usage of a category
reaches a value (by count, usage or price). The platform's spending limits are kept as these.

Twilio can change only a trigger's callback and name; a new value means a new trigger.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from twilio.rest import Client

from isvplatform.gateway.errors import NotFoundError, translate_errors
from isvplatform.gateway.results import UsageTriggerInfo

RECURRING = frozenset({"daily", "monthly", "yearly", "alltime"})
TRIGGER_BY = frozenset({"count", "usage", "price"})


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _trigger(instance: Any) -> UsageTriggerInfo:
    return UsageTriggerInfo(
        sid=instance.sid,
        account_sid=instance.account_sid or "",
        friendly_name=instance.friendly_name or "",
        usage_category=instance.usage_category or "",
        recurring=str(instance.recurring or ""),
        trigger_by=str(instance.trigger_by or ""),
        trigger_value=_decimal(instance.trigger_value) or Decimal(0),
        current_value=_decimal(instance.current_value),
        callback_url=instance.callback_url or "",
        callback_method=instance.callback_method or "POST",
        date_fired=instance.date_fired,
    )


def _value_text(value: Decimal) -> str:
    # Twilio reads "+30" as an offset from today's value: an absolute value never has a sign.
    if value <= 0:
        raise ValueError("a usage trigger's value must be positive")
    return f"{value.normalize():f}"


@translate_errors()
def create_usage_trigger(
    client: Client,
    *,
    callback_url: str,
    trigger_value: Decimal,
    usage_category: str,
    recurring: str,
    trigger_by: str,
    friendly_name: str = "",
) -> UsageTriggerInfo:
    """A trigger on the client's account calling `callback_url` (POST) at `trigger_value`."""
    if recurring not in RECURRING or trigger_by not in TRIGGER_BY:
        raise ValueError(f"unknown recurring {recurring!r} or trigger_by {trigger_by!r}")
    fields: dict[str, Any] = {
        "callback_url": callback_url,
        "callback_method": "POST",
        "trigger_value": _value_text(trigger_value),
        "usage_category": usage_category,
        "recurring": recurring,
        "trigger_by": trigger_by,
    }
    if friendly_name:
        fields["friendly_name"] = friendly_name[:64]
    return _trigger(client.usage.triggers.create(**fields))


@translate_errors()
def fetch_usage_trigger(client: Client, sid: str) -> UsageTriggerInfo:
    """The trigger with Twilio's `current_value` of what it watches (NotFoundError: gone)."""
    return _trigger(client.usage.triggers(sid).fetch())


@translate_errors()
def update_usage_trigger(client: Client, sid: str, *, callback_url: str) -> UsageTriggerInfo:
    """Point the trigger at another callback URL (the only change Twilio allows that matters)."""
    return _trigger(
        client.usage.triggers(sid).update(callback_url=callback_url, callback_method="POST")
    )


def delete_usage_trigger(client: Client, sid: str) -> bool:
    """Remove the trigger; False when it was already gone (a 404 is the outcome wanted)."""
    try:
        with translate_errors():
            client.usage.triggers(sid).delete()
    except NotFoundError:
        return False
    return True


@translate_errors()
def list_usage_triggers(client: Client, *, usage_category: str = "") -> list[UsageTriggerInfo]:
    """Every trigger of the client's account (of one category when given), paged."""
    kwargs: dict[str, Any] = {"page_size": 100}
    if usage_category:
        kwargs["usage_category"] = usage_category
    return [_trigger(instance) for instance in client.usage.triggers.stream(**kwargs)]
