"""Messages with ContentSid: rendered into the handset, quick-reply taps coming back as
inbound WhatsApp messages, read receipts, and WhatsApp's send rules (window, template
status, variables, messaging limit, throughput)."""

import json

import pytest
from twilio.base.exceptions import TwilioRestException

from sandbox import handsets, services
from sandbox.resources.content.tests.contract import (
    DELIVERY_CHOICE,
    approved_content,
    create_content,
    submit,
)
from sandbox.services import enable_whatsapp

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


@pytest.fixture
def wa(sub, number, hook_url, hooks):
    enable_whatsapp(number.phone_number, callback_url=hook_url("wa-inbound"))
    return f"whatsapp:{number.phone_number}"


def _send(sub, wa, to=HANDSET, **kwargs):
    return sub.client.messages.create(to=f"whatsapp:{to}", from_=wa, **kwargs)


def _outcome(sub, sid: str) -> tuple[str, int | None]:
    fetched = sub.client.messages(sid).fetch()
    return fetched.status, fetched.error_code


def test_a_quick_reply_template_renders_and_a_tap_comes_back_as_inbound(
    sub, wa, advance, hooks, hook_url
):
    content_sid = approved_content(sub.client, advance, DELIVERY_CHOICE)
    sent = _send(
        sub,
        wa,
        content_sid=content_sid,
        content_variables=json.dumps({"1": "Bea"}),
        status_callback=hook_url("status"),
    )
    assert sent.body == "Hello Bea, when should we deliver your parcel?"
    advance(10)
    [shown] = handsets.messages_received(HANDSET)
    assert shown["body"] == "Hello Bea, when should we deliver your parcel?"
    assert [(b["title"], b["payload"]) for b in shown["buttons"]] == [
        ("Today", "deliver_today"),
        ("Tomorrow", "deliver_tomorrow"),
    ]
    handsets.tap_button(HANDSET, sent.sid, "deliver_tomorrow")
    advance(1)
    [tap] = hooks.named("wa-inbound")
    assert tap.params["Body"] == ["Tomorrow"]
    assert tap.params["ButtonText"] == ["Tomorrow"]
    assert tap.params["ButtonPayload"] == ["deliver_tomorrow"]
    assert tap.params["OriginalRepliedMessageSid"] == [sent.sid]
    with pytest.raises(handsets.InboundError):
        handsets.tap_button(HANDSET, sent.sid, "Next week")


def test_viewing_the_thread_marks_whatsapp_messages_read(sub, wa, advance, hooks, hook_url):
    sent = _send(
        sub,
        wa,
        content_sid=approved_content(sub.client, advance),
        status_callback=hook_url("status"),
    )
    advance(10)
    assert _outcome(sub, sent.sid) == ("delivered", None)
    assert handsets.read_messages(HANDSET) == 1
    advance(1)
    assert _outcome(sub, sent.sid) == ("read", None)
    statuses = [h.params["MessageStatus"][0] for h in hooks.named("status")]
    assert statuses == ["sending", "sent", "delivered", "read"]
    assert hooks.named("status")[-1].params["EventType"] == ["READ"]
    assert handsets.read_messages(HANDSET) == 0


def test_the_handset_page_reads_and_offers_the_buttons(client, sub, wa, advance):
    _send(sub, wa, content_sid=approved_content(sub.client, advance, DELIVERY_CHOICE))
    advance(10)
    page = client.get("/sandbox/handset/thread", {"number": HANDSET}).content.decode()
    assert 'name="button" value="deliver_today"' in page
    [shown] = handsets.messages_received(HANDSET)
    assert shown["status"] == "read"
    tapped = client.post(
        "/sandbox/handset/tap", {"from": HANDSET, "sid": shown["sid"], "button": "deliver_today"}
    )
    assert tapped.status_code == 302


def test_an_unapproved_template_goes_inside_the_window_only(sub, wa, advance):
    content = create_content(sub.client)
    outside = _send(sub, wa, content_sid=content.sid)
    advance(5)
    assert _outcome(sub, outside.sid) == ("failed", 63016)
    handsets.send_from_handset(HANDSET, wa, "hello", channel="whatsapp")
    advance(1)
    inside = _send(sub, wa, content_sid=content.sid)
    advance(10)
    assert _outcome(sub, inside.sid) == ("delivered", None)


def test_a_rejected_template_fails_with_63040_outside_the_window(sub, wa, advance):
    content = create_content(sub.client)
    submit(sub.client, content.sid, "sandbox_reject_order")
    advance(60)
    sent = _send(sub, wa, content_sid=content.sid)
    advance(5)
    assert _outcome(sub, sent.sid) == ("failed", 63040)


def test_paused_and_disabled_templates_fail_even_inside_the_window(sub, wa, advance):
    content_sid = approved_content(sub.client, advance)
    handsets.send_from_handset(HANDSET, wa, "hello", channel="whatsapp")
    advance(1)
    services.content_quality_event(content_sid, "RED")
    paused = _send(sub, wa, content_sid=content_sid)
    advance(5)
    assert _outcome(sub, paused.sid) == ("failed", 63041)
    advance(3 * 3600)
    services.content_quality_event(content_sid, "RED")
    advance(6 * 3600)
    services.content_quality_event(content_sid, "RED")
    disabled = _send(sub, wa, content_sid=content_sid)
    advance(5)
    assert _outcome(sub, disabled.sid) == ("failed", 63042)


def test_variables_default_to_the_samples_and_a_missing_one_fails_63028(sub, wa, advance):
    content_sid = approved_content(sub.client, advance)
    defaults = _send(sub, wa, content_sid=content_sid, content_variables='{"2": "#7"}')
    assert defaults.body == "Hi Ana, your order #7 has shipped and arrives tomorrow."
    unfilled = create_content(
        sub.client,
        {"language": "en", "types": {"twilio/text": {"body": "Your order {{1}} shipped today."}}},
    )
    handsets.send_from_handset(HANDSET, wa, "hello", channel="whatsapp")
    advance(1)
    missing = _send(sub, wa, content_sid=unfilled.sid)
    advance(10)
    assert _outcome(sub, defaults.sid) == ("delivered", None)
    assert _outcome(sub, missing.sid) == ("failed", 63028)


@pytest.mark.parametrize(
    "params, with_content, code",
    [
        ({"content_sid": "HX" + "0" * 32}, False, 21655),
        ({"body": "hi", "content_variables": '{"1": "a"}'}, False, 21654),
        ({"content_variables": "not json"}, True, 21656),
        ({"content_variables": '{"1": "' + "x" * 1601 + '"}'}, True, 21658),
        ({"body": "hi", "content_variables": '{"1": "a"}'}, True, 35127),
    ],
)
def test_content_parameters_are_checked_at_create(sub, wa, params, with_content, code):
    if with_content:
        params = {**params, "content_sid": create_content(sub.client).sid}
    with pytest.raises(TwilioRestException) as caught:
        _send(sub, wa, **params)
    assert (caught.value.status, caught.value.code) == (400, code)


def test_another_accounts_content_is_invalid(sub, wa, make_subaccount):
    other = make_subaccount("tenant two")
    with pytest.raises(TwilioRestException) as caught:
        _send(sub, wa, content_sid=create_content(other.client).sid)
    assert caught.value.code == 21655


def test_the_messaging_limit_caps_unique_business_initiated_recipients(sub, wa, advance, settings):
    settings.SANDBOX_WHATSAPP_MESSAGING_LIMIT = 2
    content_sid = approved_content(sub.client, advance)
    sent = [_send(sub, wa, to=f"+1415555010{n}", content_sid=content_sid) for n in range(3)]
    again = _send(sub, wa, to="+14155550100", content_sid=content_sid)
    advance(10)
    outcomes = [_outcome(sub, m.sid) for m in (*sent, again)]
    assert outcomes == [("delivered", None)] * 2 + [("failed", 63018), ("delivered", None)]
    advance(24 * 3600)
    later = _send(sub, wa, to="+14155550102", content_sid=content_sid)
    advance(10)
    assert _outcome(sub, later.sid) == ("delivered", None)


def test_throughput_beyond_the_senders_mps_fails_63018(sub, wa, advance, settings):
    settings.SANDBOX_WHATSAPP_MPS = 2
    content_sid = approved_content(sub.client, advance)
    burst = [_send(sub, wa, content_sid=content_sid) for _ in range(3)]
    advance(10)
    assert [_outcome(sub, m.sid)[1] for m in burst] == [None, None, 63018]


def test_over_sms_the_text_fallback_is_sent(sub, number, advance):
    both = {
        **DELIVERY_CHOICE,
        "types": {
            **DELIVERY_CHOICE["types"],
            "twilio/text": {"body": "Hello {{1}}, reply TODAY or TOMORROW for delivery."},
        },
    }
    content = create_content(sub.client, both)
    sent = sub.client.messages.create(
        to=HANDSET, from_=number.phone_number, content_sid=content.sid
    )
    assert sent.body == "Hello Ana, reply TODAY or TOMORROW for delivery."
    advance(10)
    [shown] = handsets.messages_received(HANDSET)
    assert (shown["channel"], shown["buttons"]) == ("sms", [])
