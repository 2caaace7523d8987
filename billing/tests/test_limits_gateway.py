"""The Usage Trigger operations of the gateway against the sandbox, which answers as
Twilio's spec says (a positive value only; a value can't be changed, only the callback)."""

from decimal import Decimal

import pytest

from isvplatform import gateway

pytestmark = pytest.mark.django_db
URL = "https://platform.example/webhooks/twilio/usage-trigger"


@pytest.fixture
def client(db):
    account = gateway.create_subaccount("limits tenant")
    return gateway.account_client(account.sid, account.auth_token)


def _create(client, **kwargs):
    fields = {
        "callback_url": URL,
        "trigger_value": Decimal("40.00"),
        "usage_category": "totalprice",
        "recurring": "monthly",
        "trigger_by": "price",
        "friendly_name": "isvplatform limit 7 80%",
    }
    return gateway.create_usage_trigger(client, **{**fields, **kwargs})


def test_create_fetch_update_list_and_delete(client):
    created = _create(client)
    assert created.sid.startswith("UT") and created.trigger_value == Decimal(40)
    assert (created.recurring, created.trigger_by, created.usage_category) == (
        "monthly",
        "price",
        "totalprice",
    )
    fetched = gateway.fetch_usage_trigger(client, created.sid)
    assert fetched.current_value == Decimal(0) and fetched.callback_url == URL
    moved = gateway.update_usage_trigger(client, created.sid, callback_url=URL + "?v=2")
    assert moved.callback_url == URL + "?v=2" and moved.trigger_value == Decimal(40)
    daily = _create(client, recurring="daily", trigger_by="count", usage_category="sms-outbound")
    assert {t.sid for t in gateway.list_usage_triggers(client)} == {created.sid, daily.sid}
    only_sms = gateway.list_usage_triggers(client, usage_category="sms-outbound")
    assert [t.sid for t in only_sms] == [daily.sid]
    assert gateway.delete_usage_trigger(client, created.sid) is True
    assert gateway.delete_usage_trigger(client, created.sid) is False  # already gone: fine
    with pytest.raises(gateway.NotFoundError):
        gateway.fetch_usage_trigger(client, created.sid)


def test_a_value_must_be_positive(client):
    with pytest.raises(ValueError):
        _create(client, trigger_value=Decimal(0))
    # The sandbox refuses what Twilio refuses, even past the gateway's own check.
    for raw in ("0", "-5", "NaN"):
        with pytest.raises(Exception) as err:
            client.usage.triggers.create(
                callback_url=URL, trigger_value=raw, usage_category="totalprice"
            )
        assert getattr(err.value, "status", None) == 400, raw
    assert gateway.list_usage_triggers(client) == []
