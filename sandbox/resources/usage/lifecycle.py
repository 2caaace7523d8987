"""Usage triggers fire (at most once per period) when their value reaches the threshold."""

from __future__ import annotations

import datetime as dt

from sandbox.core import callbacks, formats
from sandbox.core.lifecycle import on_tick
from sandbox.resources.usage.handlers import decimal_text, trigger_period, trigger_value_now
from sandbox.resources.usage.models import UsageTrigger


@on_tick(order=50)
def fire_usage_triggers(now: dt.datetime) -> int:
    fired = 0
    today = now.date()
    for trigger in UsageTrigger.objects.select_related("account"):
        account = trigger.account
        start, _ = trigger_period(trigger, today, account.date_created.date())
        period = start.isoformat()
        if trigger.fired_period == period:
            continue
        if trigger.recurring == UsageTrigger.Recurring.ALLTIME and trigger.fired_period:
            continue
        value = trigger_value_now(trigger, account, today)
        if value < trigger.trigger_value:
            continue
        trigger.date_fired, trigger.fired_period = now, period
        trigger.save(update_fields=["date_fired", "fired_period"])
        base = f"/2010-04-01/Accounts/{account.sid}"
        params = [
            ("AccountSid", account.sid),
            ("UsageTriggerSid", trigger.sid),
            ("DateFired", formats.rfc2822(now)),
            ("Recurring", trigger.recurring),
            ("UsageCategory", trigger.usage_category),
            ("TriggerBy", trigger.trigger_by),
            ("TriggerValue", decimal_text(trigger.trigger_value)),
            ("CurrentValue", decimal_text(value)),
            ("UsageRecordUri", f"{base}/Usage/Records.json?Category={trigger.usage_category}"),
            ("IdempotencyToken", f"{trigger.sid}-{period}"),
        ]
        callbacks.enqueue(
            [
                callbacks.build(
                    kind="usage-trigger",
                    account_sid=account.sid,
                    url=trigger.callback_url,
                    method=trigger.callback_method,
                    params=params,
                    due_at=now,
                    resource_sid=trigger.sid,
                )
            ]
        )
        fired += 1
    return fired
