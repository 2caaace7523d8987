"""Callback delivery over HTTP (requests) and its bookkeeping."""

import pytest
import requests
from twilio.request_validator import RequestValidator

from sandbox import clock
from sandbox.core import callbacks
from sandbox.core.models import Callback

pytestmark = pytest.mark.django_db


class FakeResponse:
    def __init__(self, status_code, text=""):
        self.status_code, self.text = status_code, text


@pytest.fixture
def outbound(monkeypatch):
    """Stand-in for the network: records requests, answers from a queue."""
    sent = []
    answers = []

    def request(method, url, data=None, headers=None, timeout=None, allow_redirects=False):
        sent.append(
            {"method": method, "url": url, "data": data, "headers": headers, "timeout": timeout}
        )
        answer = answers.pop(0) if answers else FakeResponse(200)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(callbacks._session, "request", request)
    return sent, answers


def test_external_urls_go_over_http_signed(sub, number, outbound):
    sent, _ = outbound
    url = "https://platform.example.com/twilio/status?tenant=7"
    sub.client.messages.create(
        to="+14155550100", from_=number.phone_number, body="x", status_callback=url
    )
    clock.advance(2)
    first = sent[0]
    assert first["url"] == url and first["timeout"] == 5.0
    from urllib.parse import parse_qsl

    params = dict(parse_qsl(first["data"].decode()))
    assert params["MessageStatus"] == "sending"
    signature = first["headers"]["X-Twilio-Signature"]
    assert RequestValidator(sub.token).validate(url, params, signature)
    assert not RequestValidator(sub.token).validate(url + "&x=1", params, signature)


def test_connection_errors_are_retried_then_given_up(sub, number, outbound):
    sent, answers = outbound
    answers.extend(requests.ConnectionError("refused") for _ in range(4))
    sub.client.incoming_phone_numbers(number.sid).update(sms_url="https://down.example.com/in")
    from sandbox import handsets

    handsets.send_from_handset("+14155550100", number.phone_number, "hello")
    for seconds in (0, 5, 30, 120, 600):
        clock.advance(seconds)
    callback = Callback.objects.get(kind="inbound-message")
    assert (callback.status, callback.attempts) == ("failed", 4)
    assert "refused" in callback.last_error
    assert len(sent) == 4


def test_rc_fragment_sets_the_retry_count(sub, number, outbound):
    sent, answers = outbound
    answers.extend(FakeResponse(502) for _ in range(3))
    sub.client.incoming_phone_numbers(number.sid).update(sms_url="https://down.example.com/in#rc=1")
    from sandbox import handsets

    handsets.send_from_handset("+14155550100", number.phone_number, "hello")
    for seconds in (0, 5, 30):
        clock.advance(seconds)
    assert len(sent) == 2
    assert sent[0]["url"] == "https://down.example.com/in"


def test_get_callbacks_carry_params_in_the_url(sub, number, outbound):
    sent, _ = outbound
    sub.client.incoming_phone_numbers(number.sid).update(
        sms_url="https://platform.example.com/in", sms_method="GET"
    )
    from sandbox import handsets

    handsets.send_from_handset("+14155550100", number.phone_number, "hello")
    clock.advance(0)
    request = sent[0]
    assert request["method"] == "GET" and request["data"] is None
    assert "Body=hello" in request["url"]
    assert RequestValidator(sub.token).validate(
        request["url"], {}, request["headers"]["X-Twilio-Signature"]
    )


def test_signature_matches_the_sdk_algorithm():
    params = [("b", "2"), ("a", "1"), ("a", "0")]
    url = "https://example.com/x?y=1"
    from django.http import QueryDict

    query = QueryDict("b=2&a=1&a=0")
    assert callbacks.signature(url, params, "secret") == RequestValidator(
        "secret"
    ).compute_signature(url, query)
