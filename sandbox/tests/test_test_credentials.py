"""Twilio's test credentials: a second SID/token per account that only buys numbers and
sends messages, where the magic test numbers decide the outcome and nothing is stored.
With live credentials the magic numbers are ordinary numbers."""

import pytest

from sandbox.resources.messages.models import Message
from sandbox.resources.phone_numbers.models import PhoneNumber
from sandbox.services import get_test_credentials
from sandbox.testing import error_of, sdk_client, sdk_test_client

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"
VALID_FROM = "+15005550006"


@pytest.fixture
def test_client(sub):
    return sdk_test_client(sub.sid)


def test_each_account_has_its_own_stable_test_credentials(sub, master):
    sid, token = get_test_credentials(sub.sid)
    assert sid.startswith("AC") and len(sid) == 34 and sid != sub.sid
    assert len(token) == 32 and token != sub.token
    assert get_test_credentials(sub.sid) == (sid, token)
    assert get_test_credentials(master.sid)[0] not in (sid, master.sid)


def test_a_test_send_answers_queued_but_sends_and_stores_nothing(sub, test_client):
    test_sid, _ = get_test_credentials(sub.sid)
    message = test_client.messages.create(to=HANDSET, from_=VALID_FROM, body="hi")
    assert (message.status, message.account_sid, message.to) == ("queued", test_sid, HANDSET)
    assert message.sid.startswith("SM")
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("+15005550001", 21211),
        ("+15005550002", 21612),
        ("+15005550003", 21408),
        ("+15005550004", 21610),
        ("+15005550009", 21614),
    ],
)
def test_magic_recipients_with_test_credentials(test_client, to, code):
    create = lambda: test_client.messages.create(to=to, from_=VALID_FROM, body="x")  # noqa: E731
    assert error_of(create) == (400, code)


@pytest.mark.parametrize(
    ("from_", "code"),
    [("+15005550001", 21212), ("+15005550007", 21606), ("+15005550008", 21611)],
)
def test_magic_senders_with_test_credentials(test_client, from_, code):
    create = lambda: test_client.messages.create(to=HANDSET, from_=from_, body="x")  # noqa: E731
    assert error_of(create) == (400, code)


def test_test_credentials_cannot_send_from_the_accounts_real_number(test_client, number):
    send = lambda: test_client.messages.create(  # noqa: E731
        to=HANDSET, from_=number.phone_number, body="x"
    )
    assert error_of(send) == (400, 21606)


def test_magic_numbers_are_ordinary_with_live_credentials(sub, number):
    for to in ("+15005550001", "+15005550002", "+15005550004", "+15005550009"):
        sent = sub.client.messages.create(to=to, from_=number.phone_number, body="x")
        assert sent.status == "queued"
    assert Message.objects.count() == 4
    magic_sender = lambda: sub.client.messages.create(  # noqa: E731
        to=HANDSET, from_=VALID_FROM, body="x"
    )
    assert error_of(magic_sender) == (400, 21606)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"phone_number": "+15005550000"}, 21422),
        ({"phone_number": "+15005550001"}, 21421),
        ({"phone_number": "+14155550123"}, 21422),
        ({"area_code": 533}, 21452),
        ({"area_code": 415}, 21452),
    ],
)
def test_magic_purchases_with_test_credentials(test_client, kwargs, code):
    assert error_of(lambda: test_client.incoming_phone_numbers.create(**kwargs)) == (400, code)


def test_a_test_purchase_answers_the_magic_number_but_buys_nothing(sub, test_client):
    test_sid, _ = get_test_credentials(sub.sid)
    for kwargs in ({"phone_number": VALID_FROM}, {"area_code": 500}):
        number = test_client.incoming_phone_numbers.create(
            sms_url="https://example.com/sms", **kwargs
        )
        assert (number.phone_number, number.account_sid) == (VALID_FROM, test_sid)
        assert number.sms_url == "https://example.com/sms"
    assert not PhoneNumber.objects.exists()


def test_magic_numbers_are_bought_like_any_number_with_live_credentials(sub):
    bought = sub.client.incoming_phone_numbers.create(phone_number="+15005550000")
    assert bought.phone_number == "+15005550000"
    assert PhoneNumber.objects.filter(sid=bought.sid).exists()


def test_test_credentials_reach_nothing_else(sub, test_client):
    test_sid, _ = get_test_credentials(sub.sid)
    calls = [
        lambda: test_client.messages.list(),
        lambda: test_client.incoming_phone_numbers.list(),
        lambda: test_client.api.v2010.accounts(test_sid).fetch(),
        lambda: test_client.messaging.v1.services.list(),
        lambda: test_client.trusthub.v1.policies.list(),
        lambda: test_client.lookups.v2.phone_numbers(HANDSET).fetch(),
    ]
    for call in calls:
        assert error_of(call) == (403, 20008)


def test_test_credentials_act_only_on_their_own_test_account(sub, make_subaccount):
    other = make_subaccount("other")
    _, token = get_test_credentials(sub.sid)
    other_test_sid, _ = get_test_credentials(other.sid)
    wrong_token = sdk_client(other_test_sid, token)
    send = lambda: wrong_token.messages.create(  # noqa: E731
        to=HANDSET, from_=VALID_FROM, body="x"
    )
    assert error_of(send) == (401, 20003)
    test_sid, _ = get_test_credentials(sub.sid)
    live_path = sdk_test_client(sub.sid).api.v2010.accounts(sub.sid).messages
    send_on_live = lambda: live_path.create(to=HANDSET, from_=VALID_FROM, body="x")  # noqa: E731
    assert error_of(send_on_live) == (404, 20404)
    assert test_sid != sub.sid
