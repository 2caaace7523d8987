"""Outbound message lifecycle, status callbacks and delivery failures, through the SDK."""

import pytest
from twilio.request_validator import RequestValidator

from sandbox import faults, handsets

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


def statuses(hits):
    return [hit.params["MessageStatus"][0] for hit in hits]


def test_message_moves_queued_sending_sent_delivered_with_signed_callbacks(
    sub, number, hook_url, hooks, advance
):
    url = hook_url("status")
    message = sub.client.messages.create(
        to=HANDSET, from_=number.phone_number, body="Hello", status_callback=url
    )
    assert message.status == "queued"
    assert message.price is None and message.date_sent is None

    advance(1)
    assert sub.client.messages(message.sid).fetch().status == "sending"
    advance(1)
    sent = sub.client.messages(message.sid).fetch()
    assert sent.status == "sent"
    assert str(sent.price) == "-0.00790" and sent.price_unit == "USD"
    advance(2)
    assert sub.client.messages(message.sid).fetch().status == "delivered"

    hits = hooks.named("status")
    assert statuses(hits) == ["sending", "sent", "delivered"]
    validator = RequestValidator(sub.token)
    for hit in hits:
        assert hit.params["MessageSid"] == [message.sid]
        assert hit.params["AccountSid"] == [sub.sid]
        assert hit.params["From"] == [number.phone_number]
        assert hit.params["To"] == [HANDSET]
        assert validator.validate(hit.url, hit.params_for_validation(), hit.signature)
    assert not RequestValidator("wrong-token").validate(
        hits[0].url, hits[0].params_for_validation(), hits[0].signature
    )
    assert handsets.messages_received(HANDSET)[0]["sid"] == message.sid


def test_no_callback_without_status_callback(sub, number, hooks, advance):
    sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="quiet")
    result = advance(10)
    assert result.transitions == 3
    assert result.callbacks == 0


@pytest.mark.parametrize(
    ("to", "status", "code"),
    [
        ("+15005550010", "undelivered", 30003),
        ("+15005550011", "undelivered", 30005),
        ("+15005550012", "undelivered", 30006),
        ("+15005550013", "undelivered", 30007),
        ("+15005550014", "failed", 30008),
    ],
)
def test_magic_numbers_fail_delivery(sub, number, hook_url, hooks, advance, to, status, code):
    message = sub.client.messages.create(
        to=to, from_=number.phone_number, body="x", status_callback=hook_url("status")
    )
    advance(10)
    fetched = sub.client.messages(message.sid).fetch()
    assert (fetched.status, fetched.error_code) == (status, code)
    last = hooks.named("status")[-1]
    assert last.params["MessageStatus"] == [status]
    assert last.params["ErrorCode"] == [str(code)]


def test_configured_failure_rate_makes_messages_undelivered(sub, number, advance):
    with faults.injected(delivery_failure_rate=1.0):
        message = sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="x")
        advance(10)
    fetched = sub.client.messages(message.sid).fetch()
    assert fetched.status == "undelivered"
    assert fetched.error_code in (30003, 30005, 30006)
    ok = sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="x")
    advance(10)
    assert sub.client.messages(ok.sid).fetch().status == "delivered"


def test_messaging_service_message_is_accepted_then_gets_a_sender(
    sub, number, hook_url, hooks, advance
):
    service = sub.client.messaging.v1.services.create(
        friendly_name="pool", status_callback=hook_url("service-status")
    )
    service.phone_numbers.create(phone_number_sid=number.sid)
    message = sub.client.messages.create(to=HANDSET, messaging_service_sid=service.sid, body="x")
    assert message.status == "accepted"
    assert message.from_ is None
    assert message.num_segments == "0"
    assert message.messaging_service_sid == service.sid
    advance(1)
    queued = sub.client.messages(message.sid).fetch()
    assert (queued.status, queued.from_) == ("queued", number.phone_number)
    advance(10)
    assert statuses(hooks.named("service-status")) == ["queued", "sending", "sent", "delivered"]
    assert hooks.named("service-status")[0].params["MessagingServiceSid"] == [service.sid]


def test_message_status_callback_overrides_the_service_one(sub, number, hook_url, hooks, advance):
    service = sub.client.messaging.v1.services.create(
        friendly_name="pool", status_callback=hook_url("service-status")
    )
    service.phone_numbers.create(phone_number_sid=number.sid)
    sub.client.messages.create(
        to=HANDSET, messaging_service_sid=service.sid, body="x", status_callback=hook_url("own")
    )
    advance(10)
    assert hooks.named("service-status") == []
    assert len(hooks.named("own")) == 4


def test_scheduled_message_waits_for_send_at_and_can_be_canceled(sub, number, advance):
    import datetime as dt

    from sandbox import clock

    service = sub.client.messaging.v1.services.create(friendly_name="pool")
    service.phone_numbers.create(phone_number_sid=number.sid)
    send_at = clock.now() + dt.timedelta(minutes=10)
    kept = sub.client.messages.create(
        to=HANDSET,
        messaging_service_sid=service.sid,
        body="later",
        schedule_type="fixed",
        send_at=send_at,
    )
    dropped = sub.client.messages.create(
        to=HANDSET,
        messaging_service_sid=service.sid,
        body="never",
        schedule_type="fixed",
        send_at=send_at,
    )
    assert kept.status == "scheduled"
    assert sub.client.messages(dropped.sid).update(status="canceled").status == "canceled"
    advance(60)
    assert sub.client.messages(kept.sid).fetch().status == "scheduled"
    advance(600)
    assert sub.client.messages(kept.sid).fetch().status == "delivered"
    assert sub.client.messages(dropped.sid).fetch().status == "canceled"
