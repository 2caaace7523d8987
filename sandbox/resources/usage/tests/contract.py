"""Contract scenarios for Usage Records and Usage Triggers."""

API = "/2010-04-01/Accounts/{AccountSid}"
PERIODS = (
    "",
    "AllTime",
    "Daily",
    "Monthly",
    "Yearly",
    "Today",
    "Yesterday",
    "ThisMonth",
    "LastMonth",
)


def records(ctx) -> None:
    client = ctx.sub.client
    client.messages.create(to="+14155550124", from_=ctx.number.phone_number, body="usage")
    ctx.advance(10)
    usage = client.usage.records
    usage.list(category="sms", limit=5)
    usage.all_time.list(include_subaccounts=True, limit=5)
    usage.daily.list(category="sms-outbound", limit=5)
    usage.monthly.list(limit=5)
    usage.yearly.list(limit=5)
    usage.today.list(category="totalprice", limit=5)
    usage.yesterday.list(limit=5)
    usage.this_month.list(category="phonenumbers", limit=5)
    usage.last_month.list(limit=5)


def triggers(ctx) -> None:
    triggers = ctx.sub.client.usage.triggers
    trigger = triggers.create(
        callback_url=ctx.hook_url("usage"),
        trigger_value="+5",
        usage_category="sms",
        recurring="daily",
        trigger_by="count",
        friendly_name="five a day",
    )
    triggers.list(recurring="daily", limit=5)
    triggers(trigger.sid).fetch()
    triggers(trigger.sid).update(friendly_name="renamed")
    triggers(trigger.sid).delete()


SCENARIOS = {
    "records": (
        {f"GET api:{API}/Usage/Records{'/' + p if p else ''}.json" for p in PERIODS},
        records,
    ),
    "triggers": (
        {
            f"POST api:{API}/Usage/Triggers.json",
            f"GET api:{API}/Usage/Triggers.json",
            f"GET api:{API}/Usage/Triggers/{{Sid}}.json",
            f"POST api:{API}/Usage/Triggers/{{Sid}}.json",
            f"DELETE api:{API}/Usage/Triggers/{{Sid}}.json",
        },
        triggers,
    ),
}
