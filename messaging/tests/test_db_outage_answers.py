"""Twilio's webhooks while the database is unreachable: 503 with Retry-After (Twilio, or any
sender, sends the same request again), never the 500 page; other errors stay 500."""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from messaging.tests.conftest import HANDSET, signed_post

pytestmark = pytest.mark.django_db


def _raise(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail


def _status(client, message, token):
    params = {"MessageSid": message.sid, "MessageStatus": "delivered",
              "AccountSid": message.account_sid, "To": message.to_number}  # fmt: skip
    return signed_post(client, "/webhooks/twilio/status", params, token)


def _inbound(client, accounted):
    params = {"MessageSid": "SM" + "d" * 32, "AccountSid": accounted.sub.sid, "Body": "STOP",
              "From": HANDSET, "To": accounted.number.phone_number}  # fmt: skip
    return signed_post(client, "/webhooks/twilio/inbound", params, accounted.token)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection failed: Connection refused"),
        OperationalError("the database system is not yet accepting connections"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_status_callback_during_a_database_outage_is_503_with_retry_after(
    monkeypatch, sent, accounted, error
):
    monkeypatch.setattr("webhooks.twilio.apply_status_callback", _raise(error))
    response = _status(Client(raise_request_exception=False), sent, accounted.token)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/plain")
    assert b"Traceback" not in response.content


def test_an_inbound_message_during_a_database_outage_is_503_with_retry_after(
    monkeypatch, accounted
):
    refused = OperationalError("consuming input failed: server closed the connection")
    monkeypatch.setattr("webhooks.twilio.receive_inbound", _raise(refused))
    response = _inbound(Client(raise_request_exception=False), accounted)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_any_other_error_is_still_a_500_without_retry_after(monkeypatch, sent, accounted):
    monkeypatch.setattr("webhooks.twilio.apply_status_callback", _raise(RuntimeError("bug")))
    response = _status(Client(raise_request_exception=False), sent, accounted.token)
    assert response.status_code == 500
    assert "Retry-After" not in response
