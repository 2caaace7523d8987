"""Inbound messages from handsets: webhooks, TwiML replies and Twilio's opt-out handling."""

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from sandbox import handsets
from sandbox.resources.messages.inbound import REPLIES, InboundError
from sandbox.services import set_advanced_opt_out

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


@pytest.fixture
def service(sub, number, hook_url):
    service = sub.client.messaging.v1.services.create(
        friendly_name="pool", inbound_request_url=hook_url("service-inbound")
    )
    service.phone_numbers.create(phone_number_sid=number.sid)
    return service


def test_inbound_sms_reaches_the_number_sms_url_signed_with_the_subaccount_token(
    sub, number, hook_url, hooks, advance
):
    sub.client.incoming_phone_numbers(number.sid).update(sms_url=hook_url("inbound"))
    sent = handsets.send_from_handset(HANDSET, number.phone_number, "Hi there")
    assert sent["status"] == "receiving"
    assert hooks.named("inbound") == []
    advance(0)
    [hit] = hooks.named("inbound")
    assert hit.params["Body"] == ["Hi there"]
    assert hit.params["From"] == [HANDSET]
    assert hit.params["To"] == [number.phone_number]
    assert hit.params["AccountSid"] == [sub.sid]
    assert hit.params["SmsStatus"] == ["received"]
    assert hit.params["NumSegments"] == ["1"]
    assert "OptOutType" not in hit.params
    assert RequestValidator(sub.token).validate(hit.url, hit.params_for_validation(), hit.signature)
    inbound = sub.client.messages(sent["sid"]).fetch()
    assert (inbound.direction, inbound.status) == ("inbound", "received")
    assert str(inbound.price) == "-0.00790"


def test_service_inbound_url_wins_unless_the_number_webhook_is_used(
    sub, number, service, hook_url, hooks, advance
):
    sub.client.incoming_phone_numbers(number.sid).update(sms_url=hook_url("number-inbound"))
    handsets.send_from_handset(HANDSET, number.phone_number, "one")
    advance(0)
    assert [h.params["Body"] for h in hooks.named("service-inbound")] == [["one"]]
    assert hooks.named("service-inbound")[0].params["MessagingServiceSid"] == [service.sid]
    service.update(use_inbound_webhook_on_number=True)
    handsets.send_from_handset(HANDSET, number.phone_number, "two")
    advance(0)
    assert [h.params["Body"] for h in hooks.named("number-inbound")] == [["two"]]


def test_twiml_reply_is_sent_back_to_the_handset(sub, number, hook_url, hooks, advance):
    sub.client.incoming_phone_numbers(number.sid).update(sms_url=hook_url("inbound"))
    hooks.answer("inbound", (200, "<Response><Message>Thanks, we got it</Message></Response>"))
    handsets.send_from_handset(HANDSET, number.phone_number, "question")
    advance(0)
    advance(10)
    [received] = handsets.messages_received(HANDSET)
    assert received["body"] == "Thanks, we got it"
    assert received["from"] == number.phone_number
    assert received["direction"] == "outbound-reply"


def test_stop_opts_out_of_the_service_with_reply_and_opt_out_type(
    sub, number, service, hooks, advance, buy_number
):
    handsets.send_from_handset(HANDSET, number.phone_number, "stop")
    advance(0)
    [hit] = hooks.named("service-inbound")
    assert hit.params["OptOutType"] == ["STOP"]
    advance(10)
    assert [m["body"] for m in handsets.messages_received(HANDSET)] == [REPLIES["STOP"]]
    with pytest.raises(TwilioRestException) as caught:
        sub.client.messages.create(to=HANDSET, messaging_service_sid=service.sid, body="promo")
    assert caught.value.code == 21610
    with pytest.raises(TwilioRestException) as caught:
        sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="direct")
    assert caught.value.code == 21610
    other = buy_number(sub, area_code=212)
    ok = sub.client.messages.create(to=HANDSET, from_=other.phone_number, body="other sender")
    assert ok.status == "queued"

    handsets.send_from_handset(HANDSET, number.phone_number, "START")
    advance(0)
    assert hooks.named("service-inbound")[-1].params["OptOutType"] == ["START"]
    again = sub.client.messages.create(to=HANDSET, messaging_service_sid=service.sid, body="hi")
    assert again.status == "accepted"


def test_help_gets_twilio_help_reply(sub, number, service, hooks, advance):
    handsets.send_from_handset(HANDSET, number.phone_number, " Help ")
    advance(0)
    assert hooks.named("service-inbound")[0].params["OptOutType"] == ["HELP"]
    advance(10)
    assert [m["body"] for m in handsets.messages_received(HANDSET)] == [REPLIES["HELP"]]


def test_stop_inside_a_sentence_is_not_a_keyword(sub, number, service, hooks, advance):
    handsets.send_from_handset(HANDSET, number.phone_number, "stop please")
    advance(10)
    assert "OptOutType" not in hooks.named("service-inbound")[0].params
    assert handsets.messages_received(HANDSET) == []


def test_stop_without_a_service_blocks_the_number_without_opt_out_type(
    sub, number, hook_url, hooks, advance
):
    sub.client.incoming_phone_numbers(number.sid).update(sms_url=hook_url("inbound"))
    handsets.send_from_handset(HANDSET, number.phone_number, "UNSUBSCRIBE")
    advance(10)
    assert "OptOutType" not in hooks.named("inbound")[0].params
    with pytest.raises(TwilioRestException) as caught:
        sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="x")
    assert caught.value.code == 21610


def test_stop_after_send_fails_the_queued_message(sub, number, service, advance):
    message = sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="x")
    handsets.send_from_handset(HANDSET, number.phone_number, "STOP")
    advance(10)
    fetched = sub.client.messages(message.sid).fetch()
    assert (fetched.status, fetched.error_code) == ("failed", 21610)


def test_advanced_opt_out_off_still_blocks_but_sends_no_opt_out_type(
    sub, number, service, hooks, advance
):
    set_advanced_opt_out(service.sid, False)
    handsets.send_from_handset(HANDSET, number.phone_number, "STOP")
    advance(10)
    assert "OptOutType" not in hooks.named("service-inbound")[0].params
    with pytest.raises(TwilioRestException):
        sub.client.messages.create(to=HANDSET, messaging_service_sid=service.sid, body="x")


def test_inbound_mms_carries_media_urls(sub, number, hook_url, hooks, advance):
    sub.client.incoming_phone_numbers(number.sid).update(sms_url=hook_url("inbound"))
    handsets.send_from_handset(
        HANDSET, number.phone_number, "", media_urls=["https://example.com/photo.jpg"]
    )
    advance(0)
    params = hooks.named("inbound")[0].params
    assert params["NumMedia"] == ["1"]
    assert params["MediaContentType0"] == ["image/jpeg"]
    assert params["MediaUrl0"][0].startswith(
        f"https://api.twilio.com/2010-04-01/Accounts/{sub.sid}/"
    )


@pytest.mark.parametrize(
    ("to", "body"),
    [("+14155550199", "nobody owns this"), ("own", ""), ("own", "x" * 1601)],
)
def test_handset_cannot_text_unknown_numbers_or_bad_bodies(number, to, body):
    with pytest.raises(InboundError):
        handsets.send_from_handset(HANDSET, number.phone_number if to == "own" else to, body)


def test_callbacks_are_retried_with_backoff_when_the_platform_fails(
    sub, number, hook_url, hooks, advance
):
    sub.client.incoming_phone_numbers(number.sid).update(sms_url=hook_url("inbound"))
    hooks.answer("inbound", (500, "oops"), (503, "still down"))
    handsets.send_from_handset(HANDSET, number.phone_number, "retry me")
    advance(0)
    advance(4)
    assert len(hooks.named("inbound")) == 1
    advance(1)
    assert len(hooks.named("inbound")) == 2
    advance(30)
    hits = hooks.named("inbound")
    assert len(hits) == 3
    assert len({h.idempotency_token for h in hits}) == 1
    from sandbox.core.models import Callback

    callback = Callback.objects.get(kind="inbound-message")
    assert (callback.status, callback.attempts) == ("delivered", 3)
    assert list(callback.attempt_set.values_list("status_code", flat=True)) == [500, 503, 204]


def test_client_errors_are_not_retried(sub, number, hook_url, hooks, advance):
    sub.client.incoming_phone_numbers(number.sid).update(sms_url=hook_url("inbound"))
    hooks.answer("inbound", (403, "bad signature"))
    handsets.send_from_handset(HANDSET, number.phone_number, "x")
    advance(3600)
    assert len(hooks.named("inbound")) == 1
