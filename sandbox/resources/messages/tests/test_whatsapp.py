"""WhatsApp: senders must be enabled; free-form only inside the 24-hour session."""

import pytest
from twilio.base.exceptions import TwilioRestException

from sandbox import handsets
from sandbox.resources.content.tests.contract import approved_content
from sandbox.services import enable_whatsapp

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


def test_sender_must_be_enabled(sub, number):
    with pytest.raises(TwilioRestException) as caught:
        sub.client.messages.create(
            to=f"whatsapp:{HANDSET}", from_=f"whatsapp:{number.phone_number}", body="hi"
        )
    assert caught.value.code == 63007


def test_channels_must_match(sub, number):
    enable_whatsapp(number.phone_number)
    with pytest.raises(TwilioRestException) as caught:
        sub.client.messages.create(to=HANDSET, from_=f"whatsapp:{number.phone_number}", body="x")
    assert caught.value.code == 21910


def test_free_form_outside_the_session_fails_with_63016(sub, number, advance):
    enable_whatsapp(number.phone_number)
    message = sub.client.messages.create(
        to=f"whatsapp:{HANDSET}", from_=f"whatsapp:{number.phone_number}", body="hi"
    )
    assert message.status == "queued"
    advance(10)
    fetched = sub.client.messages(message.sid).fetch()
    assert (fetched.status, fetched.error_code) == ("failed", 63016)


def test_an_approved_template_outside_the_session_is_sent(sub, number, advance):
    enable_whatsapp(number.phone_number)
    message = sub.client.messages.create(
        to=f"whatsapp:{HANDSET}",
        from_=f"whatsapp:{number.phone_number}",
        content_sid=approved_content(sub.client, advance),
        content_variables='{"1": "Ana"}',
    )
    advance(10)
    fetched = sub.client.messages(message.sid).fetch()
    assert fetched.status == "delivered"
    assert fetched.body == "Hi Ana, your order #1042 has shipped and arrives tomorrow."


def test_an_unknown_content_sid_is_refused(sub, number):
    enable_whatsapp(number.phone_number)
    with pytest.raises(TwilioRestException) as caught:
        sub.client.messages.create(
            to=f"whatsapp:{HANDSET}",
            from_=f"whatsapp:{number.phone_number}",
            content_sid="HX" + "a" * 32,
        )
    assert (caught.value.status, caught.value.code) == (400, 21655)


def test_session_opens_with_an_inbound_message_and_closes_after_24_hours(
    sub, number, hook_url, hooks, advance
):
    enable_whatsapp(number.phone_number, callback_url=hook_url("wa-inbound"))
    handsets.send_from_handset(HANDSET, number.phone_number, "hello", channel="whatsapp")
    advance(1)
    [hit] = hooks.named("wa-inbound")
    assert hit.params["From"] == [f"whatsapp:{HANDSET}"]
    assert hit.params["WaId"] == [HANDSET.lstrip("+")]
    inside = sub.client.messages.create(
        to=f"whatsapp:{HANDSET}", from_=f"whatsapp:{number.phone_number}", body="reply"
    )
    advance(10)
    assert sub.client.messages(inside.sid).fetch().status == "delivered"
    [received] = handsets.messages_received(HANDSET)
    assert received["channel"] == "whatsapp"
    advance(24 * 3600)
    outside = sub.client.messages.create(
        to=f"whatsapp:{HANDSET}", from_=f"whatsapp:{number.phone_number}", body="late"
    )
    advance(10)
    assert sub.client.messages(outside.sid).fetch().error_code == 63016


def test_messaging_service_picks_a_whatsapp_sender(sub, number, buy_number, advance):
    sms_only = buy_number(sub, area_code=212)
    service = sub.client.messaging.v1.services.create(friendly_name="pool")
    service.phone_numbers.create(phone_number_sid=number.sid)
    service.phone_numbers.create(phone_number_sid=sms_only.sid)
    enable_whatsapp(number.phone_number)
    handsets.send_from_handset(HANDSET, number.phone_number, "hi", channel="whatsapp")
    advance(1)
    message = sub.client.messages.create(
        to=f"whatsapp:{HANDSET}", messaging_service_sid=service.sid, body="hello"
    )
    advance(10)
    fetched = sub.client.messages(message.sid).fetch()
    assert fetched.from_ == f"whatsapp:{number.phone_number}"
    assert fetched.status == "delivered"


def test_whatsapp_to_a_number_without_sender_is_refused(number):
    with pytest.raises(handsets.InboundError):
        handsets.send_from_handset(HANDSET, number.phone_number, "hi", channel="whatsapp")
