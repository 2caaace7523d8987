"""Prices: the estimate of nothing is free, Twilio's real price is recorded after delivery,
and every price is shown with its currency."""

import csv
import io
from decimal import Decimal

import pytest

from isvplatform.money import format_money
from messaging.models import Message
from messaging.services import message_estimate, message_send
from messaging.tests.conftest import HANDSET, advance
from messaging.tests.factories import MessageFactory
from sandbox.resources.messages.models import Message as SandboxMessage
from tenants.models import Membership
from tenants.services import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(member_client):
    return member_client(role=Membership.Role.OWNER)


def test_an_empty_message_is_estimated_at_zero():
    for channel in ("sms", "whatsapp"):
        estimate = message_estimate(tenant=None, body="", channel=channel).as_dict()
        assert (estimate["segments"], estimate["estimated_price"]) == (0, "0.0000")
    whitespace = message_estimate(tenant=None, body="   ", to="+442071838750").as_dict()
    assert whitespace["estimated_price"] == "0.0000"
    media_only = message_estimate(
        tenant=None, body="", to="+14155550123", media_urls=["https://x.example/a.jpg"]
    )
    assert media_only.estimated_price == Decimal("0.0220")


def test_the_estimate_endpoint_answers_zero_for_an_empty_body(key_api):
    data = key_api.post("/api/v1/messages/estimate", {"body": ""}, format="json").json()
    assert (data["segments"], data["estimated_price"], data["currency"]) == (0, "0.0000", "USD")


def test_the_composer_estimate_shows_the_currency(owner):
    page = owner.get("/messages/estimate/", {"body": "", "channel": "sms"}).content.decode()
    assert "0.00 USD" in page and "$" not in page


def test_money_is_formatted_with_its_currency():
    assert format_money(Decimal("0.00790"), "usd") == "0.0079 USD"
    assert format_money(Decimal("0"), "EUR") == "0.00 EUR"
    assert format_money("1.5", "") == "1.50 USD"
    assert format_money(None, "USD") == ""


def test_twilios_price_is_recorded_after_delivery(provisioned, owner, on_commit):
    message = on_commit(
        message_send, tenant=provisioned.tenant, to=HANDSET, body="Your order shipped",
        actor=Actor.system(),
    )  # fmt: skip
    on_commit(advance, 5, rounds=4)
    message.refresh_from_db()
    assert message.status == "delivered"
    at_twilio = SandboxMessage.objects.get(sid=message.sid)
    assert at_twilio.price is not None
    assert (message.price, message.price_unit) == (abs(at_twilio.price), "USD")

    detail = owner.get(f"/messages/{message.pk}/").content.decode()
    assert f"{format_money(message.price, 'USD')}" in detail
    assert "(Twilio's price once it is known)" not in detail

    export = owner.get("/messages/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == str(message.pk))
    assert (Decimal(row["price"]), row["price_unit"]) == (message.price, "USD")


def test_a_message_without_twilios_price_shows_a_marked_estimate(tenant, owner):
    message = MessageFactory(tenant=tenant, estimated_price=Decimal("0.0083"), price=None)
    detail = owner.get(f"/messages/{message.pk}/").content.decode()
    assert "~0.0083 USD" in detail and "Estimate" in detail
    api = Message.objects.get(pk=message.pk)
    assert api.estimated_price_unit == "USD"
