"""Usage records accumulate from messages and numbers; triggers fire once per period."""

import pytest

from sandbox import handsets
from sandbox.testing import error_of

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


def by_category(records):
    return {r.category: r for r in records}


def test_records_accumulate_with_prices(master, sub, number, advance):
    sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="a" * 200)
    sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="short")
    handsets.send_from_handset(HANDSET, number.phone_number, "reply")
    advance(10)
    records = by_category(sub.client.usage.records.list())
    assert (records["sms-outbound"].count, records["sms-outbound"].usage) == ("2", "3")
    assert float(records["sms-outbound"].price) == pytest.approx(0.0237)
    assert records["sms-inbound"].count == "1"
    assert records["sms"].count == "3"
    assert records["phonenumbers-tollfree"].count == "1"
    assert float(records["phonenumbers"].price) == pytest.approx(2.15)
    assert float(records["totalprice"].price) == pytest.approx(2.15 + 0.0237 + 0.0079)
    master_view = by_category(master.client.usage.records.list(category="sms"))
    assert master_view["sms"].count == "3"
    only_master = master.client.usage.records.list(category="sms", include_subaccounts=False)
    assert only_master[0].count == "0"


def test_period_lists(sub, number, advance):
    sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="x")
    advance(10)
    today = sub.client.usage.records.today.list(category="sms-outbound")
    assert [r.count for r in today] == ["1"]
    assert sub.client.usage.records.yesterday.list(category="sms-outbound")[0].count == "0"
    daily = sub.client.usage.records.daily.list(category="sms-outbound")
    assert len(daily) == 31 and daily[-1].count == "1"
    assert sub.client.usage.records.this_month.list(category="sms")[0].count == "1"


def test_unknown_category_is_refused(sub):
    assert error_of(lambda: sub.client.usage.records.list(category="teleportation"))[0] == 400


def test_trigger_fires_once_when_the_threshold_is_reached(sub, number, hook_url, hooks, advance):
    trigger = sub.client.usage.triggers.create(
        callback_url=hook_url("usage"),
        trigger_value="2",
        usage_category="sms-outbound",
        trigger_by="count",
    )
    assert (trigger.recurring, trigger.current_value) == ("alltime", "0")
    sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="one")
    advance(10)
    assert hooks.named("usage") == []
    for body in ("two", "three"):
        sub.client.messages.create(to=HANDSET, from_=number.phone_number, body=body)
    advance(10)
    advance(10)
    [hit] = hooks.named("usage")
    assert hit.params["UsageTriggerSid"] == [trigger.sid]
    assert hit.params["CurrentValue"] == ["3"]
    assert sub.client.usage.triggers(trigger.sid).fetch().date_fired is not None


def test_relative_trigger_value(sub, number, advance):
    sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="one")
    advance(10)
    trigger = sub.client.usage.triggers.create(
        callback_url="https://example.com/usage",
        trigger_value="+10",
        usage_category="sms",
        trigger_by="count",
    )
    assert trigger.trigger_value == "11"
