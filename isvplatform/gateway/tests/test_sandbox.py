"""The gateway end to end: real SDK, real retry layer, real sandbox (in-process and over HTTP)."""

import logging
import re

import pytest
from django.conf import settings as django_settings

from isvplatform.crypto import Secret
from isvplatform.gateway import (
    AuthenticationError,
    NotFoundError,
    RejectedRequest,
    RetryableGatewayError,
    account_client,
    buy_number,
    create_subaccount,
    fetch_account,
    fetch_message,
    fetch_number,
    find_subaccount_by_friendly_name,
    lookup_phone_number,
    release_number,
    search_available_numbers,
    send_message,
    set_account_status,
    update_number_webhooks,
)
from sandbox import faults, transport
from sandbox.services import get_test_credentials

HOOK = "https://platform.example.com/webhooks/twilio"
MAGIC_FROM = "+15005550006"
REQUEST_ID_LOGGED = re.compile(r" request_id=RQ[0-9a-f]{32} ")


@pytest.fixture
def sandbox_settings(settings):
    settings.TWILIO_MODE = "sandbox"
    settings.TWILIO_SANDBOX_URL = ""
    settings.TWILIO_MAX_RETRIES = 3
    settings.TWILIO_RETRY_BASE_DELAY = 0.0
    settings.TWILIO_RETRY_AMBIGUOUS_POSTS = False
    return settings


@pytest.fixture
def sub(db, sandbox_settings):
    return create_subaccount("gateway tenant")


@pytest.fixture
def client(sub):
    return account_client(sub.sid, sub.auth_token)


@pytest.fixture
def magic_client(sub):
    """The subaccount's test credentials: Twilio's magic numbers answer only to them."""
    return account_client(*get_test_credentials(sub.sid))


@pytest.fixture
def number(client):
    return buy_number(client, area_code="415", sms_url=HOOK + "/sms")


class SandboxCalls(list):
    """The statuses the in-process sandbox answered, in order."""

    recover_at: int | None = None

    def recover_after(self, n: int) -> None:
        """Clear the injected faults once `n` requests have been answered."""
        self.recover_at = n


@pytest.fixture
def sandbox_calls(monkeypatch):
    calls = SandboxCalls()
    real_handle = transport.handle

    def counting_handle(*args, **kwargs):
        if calls.recover_at is not None and len(calls) == calls.recover_at:
            faults.reset()
        status, text, headers = real_handle(*args, **kwargs)
        calls.append(status)
        return status, text, headers

    monkeypatch.setattr(transport, "handle", counting_handle)
    return calls


def send(client, number, to="+14155550123", body="hello from the gateway"):
    return send_message(client, to=to, from_=number.phone_number, body=body)


def test_provision_send_and_release_round_trip(sub, client):
    assert sub.sid.startswith("AC") and sub.status == "active"
    assert sub.owner_account_sid == django_settings.TWILIO_ACCOUNT_SID
    assert isinstance(sub.auth_token, Secret)
    assert find_subaccount_by_friendly_name("gateway tenant") == sub
    assert find_subaccount_by_friendly_name("nobody") is None

    available = search_available_numbers(client, area_code=415, limit=3)
    assert 1 <= len(available) <= 3
    assert all(n.phone_number.startswith("+1415") and n.sms for n in available)

    bought = buy_number(client, phone_number=available[0].phone_number, sms_url=HOOK + "/sms")
    assert bought.sid.startswith("PN")
    assert (bought.account_sid, bought.sms_url) == (sub.sid, HOOK + "/sms")

    updated = update_number_webhooks(client, bought.sid, sms_url=HOOK + "/inbound")
    assert updated.sms_url == HOOK + "/inbound"
    assert fetch_number(client, bought.sid).sms_url == HOOK + "/inbound"

    sent = send(client, bought)
    assert sent.sid.startswith("SM")
    assert (sent.status, sent.num_segments, sent.from_) == ("queued", 1, bought.phone_number)
    fetched = fetch_message(client, sent.sid)
    assert (fetched.sid, fetched.to, fetched.body) == (sent.sid, "+14155550123", sent.body)

    release_number(client, bought.sid)
    with pytest.raises(NotFoundError) as excinfo:
        fetch_number(client, bought.sid)
    assert (excinfo.value.code, excinfo.value.status) == (20404, 404)


def test_lookup(client):
    mobile = lookup_phone_number(client, "(415) 555-0123", country_code="us")
    assert (mobile.phone_number, mobile.valid, mobile.line_type) == ("+14155550123", True, "mobile")
    assert mobile.can_receive_sms

    landline = lookup_phone_number(client, "+15005550009")
    assert landline.line_type == "landline" and not landline.can_receive_sms

    invalid = lookup_phone_number(client, "+1500555000", line_type=False)
    assert not invalid.valid and invalid.validation_errors and invalid.line_type is None


def test_a_400_is_never_retried(magic_client, sandbox_calls):
    with pytest.raises(RejectedRequest) as excinfo:
        send_message(magic_client, to="+15005550001", from_=MAGIC_FROM, body="hello")

    assert (excinfo.value.code, excinfo.value.status) == (21211, 400)
    assert excinfo.value.message.startswith("The 'To' phone number is not a valid phone number.")
    assert sandbox_calls == [400]


def test_opted_out_recipient_error_carries_explanation(magic_client):
    with pytest.raises(RejectedRequest) as excinfo:
        send_message(magic_client, to="+15005550004", from_=MAGIC_FROM, body="hello")

    assert excinfo.value.code == 21610
    assert "replied STOP" in excinfo.value.message
    assert excinfo.value.more_info == "https://www.twilio.com/docs/errors/21610"


def test_injected_429s_are_retried_then_the_send_succeeds(client, number, sandbox_calls):
    faults.configure(rate_429=1.0)
    sandbox_calls.recover_after(2)

    sent = send(client, number)

    assert sandbox_calls == [429, 429, 201]
    assert fetch_message(client, sent.sid).status in ("queued", "sending", "sent", "delivered")


def test_injected_500s_are_retried_for_a_fetch(client, number, sandbox_calls):
    sent = send(client, number)
    faults.configure(rate_500=1.0)
    sandbox_calls.recover_after(len(sandbox_calls) + 2)

    assert fetch_message(client, sent.sid).sid == sent.sid
    assert sandbox_calls[-3:] == [500, 500, 200]


def test_a_500_on_a_create_is_not_repeated(client, number, sandbox_calls):
    faults.configure(rate_500=1.0)

    with pytest.raises(RetryableGatewayError) as excinfo:
        send(client, number)

    assert (excinfo.value.code, excinfo.value.status) == (20500, 500)
    assert sandbox_calls == [500]


def test_a_500_on_a_create_is_retried_when_allowed(client, number, sandbox_settings, sandbox_calls):
    sandbox_settings.TWILIO_RETRY_AMBIGUOUS_POSTS = True
    client = account_client(client.account_sid, client.password)
    faults.configure(rate_500=1.0)
    sandbox_calls.recover_after(1)

    assert send(client, number).sid.startswith("SM")
    assert sandbox_calls == [500, 201]


def test_gives_up_after_max_retries(client, number, sandbox_settings, sandbox_calls):
    sandbox_settings.TWILIO_MAX_RETRIES = 2
    client = account_client(client.account_sid, client.password)
    faults.configure(rate_429=1.0)

    with pytest.raises(RetryableGatewayError) as excinfo:
        send(client, number)

    assert (excinfo.value.code, excinfo.value.status) == (20429, 429)
    assert sandbox_calls == [429, 429, 429]


def test_wrong_token_is_an_authentication_error(sub, sandbox_calls):
    with pytest.raises(AuthenticationError) as excinfo:
        search_available_numbers(account_client(sub.sid, Secret("0" * 32)), area_code=415)

    assert (excinfo.value.code, excinfo.value.status) == (20003, 401)
    assert sandbox_calls == [401]


def test_suspend_reactivate_and_close(sub, client, number):
    assert set_account_status(sub.sid, "suspended").status == "suspended"
    with pytest.raises(RejectedRequest) as excinfo:
        send(client, number)
    assert excinfo.value.code == 10001

    assert set_account_status(sub.sid, "active").status == "active"
    assert send(client, number).status == "queued"

    assert set_account_status(sub.sid, "closed").status == "closed"
    with pytest.raises(RejectedRequest) as excinfo:
        set_account_status(sub.sid, "active")
    assert excinfo.value.code == 21479
    assert fetch_account(sub.sid).status == "closed"
    assert find_subaccount_by_friendly_name("gateway tenant") is None


def test_log_lines_name_the_call_and_never_the_credentials(sub, client, number, caplog):
    caplog.set_level(logging.DEBUG)

    send(client, number)

    lines = [r.getMessage() for r in caplog.records if r.name == "isvplatform.gateway"]
    path = f"api.twilio.com/2010-04-01/Accounts/{sub.sid}/Messages.json"
    assert any(f"POST {path} status=201" in line and "attempt=1" in line for line in lines)
    assert all(REQUEST_ID_LOGGED.search(line) for line in lines), lines
    secrets = (sub.auth_token.reveal(), django_settings.TWILIO_AUTH_TOKEN)
    for record in caplog.records:
        dumped = record.getMessage() + repr(record.__dict__)
        assert not any(secret in dumped for secret in secrets)


@pytest.mark.django_db(transaction=True)
def test_over_http_against_a_live_sandbox(live_server, sandbox_settings, caplog, request):
    sandbox_settings.TWILIO_SANDBOX_URL = live_server.url
    caplog.set_level(logging.DEBUG)

    sub = create_subaccount("over http")
    client = account_client(sub.sid, sub.auth_token)
    assert type(client.http_client.transport).__name__ == "SandboxOverHttpClient"
    # A kept-alive HTTP connection would keep the server's request thread, and its database
    # connection, alive after the test.
    request.addfinalizer(client.http_client.transport.session.close)
    number = buy_number(client, area_code="415")
    sent = send(client, number)
    assert fetch_message(client, sent.sid).body == "hello from the gateway"

    magic_client = account_client(*get_test_credentials(sub.sid))
    request.addfinalizer(magic_client.http_client.transport.session.close)
    with pytest.raises(RejectedRequest) as excinfo:
        send_message(magic_client, to="+15005550001", from_=MAGIC_FROM, body="hello")
    assert excinfo.value.code == 21211

    faults.configure(rate_429=1.0)
    with pytest.raises(RetryableGatewayError) as excinfo:
        fetch_message(client, sent.sid)
    assert excinfo.value.code == 20429
    attempts = [
        r.twilio_attempt
        for r in caplog.records
        if r.name == "isvplatform.gateway" and r.twilio_status == 429
    ]
    assert attempts == [1, 2, 3, 4]
    lines = [r for r in caplog.records if r.name == "isvplatform.gateway"]
    assert lines and all(REQUEST_ID_LOGGED.search(r.getMessage()) for r in lines)
    assert all(r.twilio_request_id.startswith("RQ") for r in lines)

    secrets = (sub.auth_token.reveal(), django_settings.TWILIO_AUTH_TOKEN)
    for record in caplog.records:
        dumped = record.getMessage() + repr(record.__dict__)
        assert not any(secret in dumped for secret in secrets)


def test_search_by_region_answers_where_each_number_is(client):
    """The gateway's `in_region` reaches the sandbox, which answers locality and postal code."""
    found = search_available_numbers(client, in_region="IL", limit=3)
    assert found and all(n.region == "IL" and n.phone_number.startswith("+1312") for n in found)
    assert {(n.locality, n.postal_code) for n in found} == {("Chicago", "60601")}


def test_lookup_of_a_uk_number_names_its_country(client):
    looked_up = lookup_phone_number(client, "+447700900123")
    assert looked_up.valid and looked_up.country_code == "GB"
    assert looked_up.line_type == "mobile"
