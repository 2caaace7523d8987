"""Message create rules Twilio enforces at the API, and the other Message operations."""

import datetime as dt

import pytest
from twilio.base.exceptions import TwilioRestException

from sandbox import clock
from sandbox.resources.messages import segments
from sandbox.resources.messages.models import Message

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


def create_error(client, **kwargs) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(**kwargs)
    return caught.value


@pytest.mark.parametrize("to", ["4155550100", "+1415555010", "+11234567890", "sms:+14155550100"])
def test_invalid_recipients_are_refused(sub, number, to):
    err = create_error(sub.client, to=to, from_=number.phone_number, body="x")
    assert (err.status, err.code) == (400, 21211)
    assert not Message.objects.exists()


def test_body_limits_and_required_fields(sub, number):
    assert (
        create_error(sub.client, to=HANDSET, from_=number.phone_number, body="x" * 1601).code
        == 21617
    )
    assert create_error(sub.client, to=HANDSET, from_=number.phone_number).code == 21602
    assert create_error(sub.client, to=HANDSET, body="x").code == 21603
    ok = sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="x" * 1600)
    assert ok.num_segments == "11"


def test_sender_must_be_an_sms_capable_number_of_the_account(sub, make_subaccount, buy_number):
    other = make_subaccount("other")
    foreign = buy_number(other)
    assert create_error(sub.client, to=HANDSET, from_=foreign.phone_number, body="x").code == 21606
    voice_only = other.client.incoming_phone_numbers.create(phone_number="+14155559901")
    assert voice_only.capabilities["sms"] is False
    err = create_error(other.client, to=HANDSET, from_=voice_only.phone_number, body="x")
    assert err.code == 21606


def test_unknown_or_empty_messaging_service(sub, number):
    assert (
        create_error(sub.client, to=HANDSET, messaging_service_sid="MG" + "0" * 32, body="x").code
        == 21701
    )
    empty = sub.client.messaging.v1.services.create(friendly_name="empty")
    assert (
        create_error(sub.client, to=HANDSET, messaging_service_sid=empty.sid, body="x").code
        == 21704
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("é" * 160, 1),
        ("ü" * 161, 2),
        ("😀" * 35, 1),
        ("😀" * 36, 2),
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
    ],
)
def test_segments_gsm7_and_ucs2(body, expected):
    assert segments.count(body) == expected


def test_segment_count_reaches_the_api(sub, number):
    message = sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="ж" * 71)
    assert message.num_segments == "2"


def test_mms_media_list_fetch_and_delete(sub, number, advance):
    message = sub.client.messages.create(
        to=HANDSET,
        from_=number.phone_number,
        body="pics",
        media_url=["https://example.com/a.jpg", "https://example.com/b.png"],
    )
    assert message.sid.startswith("MM") and message.num_media == "2"
    media = message.media.list()
    assert sorted(m.content_type for m in media) == ["image/jpeg", "image/png"]
    assert message.media(media[0].sid).fetch().parent_sid == message.sid
    message.media(media[0].sid).delete()
    assert [m.sid for m in message.media.list()] == [media[1].sid]
    advance(10)
    sent = sub.client.messages(message.sid).fetch()
    assert sent.num_media == "1" and str(sent.price) == "-0.02000"


def test_list_filters_and_paging(sub, number, advance):
    for i in range(5):
        sub.client.messages.create(to=f"+1415555010{i}", from_=number.phone_number, body=str(i))
    advance(10)
    assert len(sub.client.messages.list(to="+14155550103")) == 1
    assert len(sub.client.messages.list(from_=number.phone_number, page_size=2)) == 5
    first_page = sub.client.messages.page(page_size=2)
    assert first_page.next_page_url is not None
    assert len(list(first_page.next_page().next_page())) == 1
    today = clock.now().date()
    assert len(sub.client.messages.list(date_sent=dt.datetime.combine(today, dt.time()))) == 5
    later = clock.now() + dt.timedelta(days=1)
    assert sub.client.messages.list(date_sent_after=later) == []
    bodies = [m.body for m in sub.client.messages.list(limit=5)]
    assert bodies == ["4", "3", "2", "1", "0"]


def test_redact_and_delete_only_when_finished(sub, number, advance):
    message = sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="secret")
    with pytest.raises(TwilioRestException):
        sub.client.messages(message.sid).update(body="")
    with pytest.raises(TwilioRestException):
        sub.client.messages(message.sid).delete()
    advance(10)
    assert sub.client.messages(message.sid).update(body="").body == ""
    assert sub.client.messages(message.sid).delete() is True
    with pytest.raises(TwilioRestException) as caught:
        sub.client.messages(message.sid).fetch()
    assert caught.value.status == 404 and caught.value.code == 20404


def test_scheduling_rules(sub, number):
    service = sub.client.messaging.v1.services.create(friendly_name="pool")
    service.phone_numbers.create(phone_number_sid=number.sid)
    soon = clock.now() + dt.timedelta(minutes=2)
    err = create_error(
        sub.client,
        to=HANDSET,
        messaging_service_sid=service.sid,
        body="x",
        schedule_type="fixed",
        send_at=soon,
    )
    assert err.code == 35115
    err = create_error(
        sub.client,
        to=HANDSET,
        from_=number.phone_number,
        body="x",
        schedule_type="fixed",
        send_at=soon + dt.timedelta(hours=1),
    )
    assert err.code == 35118
