"""What every sandbox answer carries, as Twilio's do: a request id, Twilio's error shape, and
unknown parameters refused (strict, the test suite) or logged and ignored (`make run`)."""

import json
import logging
import re

import pytest
from django.test import Client as DjangoClient

from sandbox import transport
from sandbox.tests.test_transport import basic

pytestmark = pytest.mark.django_db

REQUEST_ID = re.compile(r"^RQ[0-9a-f]{32}$")
API = "https://api.twilio.com/2010-04-01/Accounts"


def _calls(sub, number) -> list[tuple[str, str, dict | None, int]]:
    """(method, url, form, expected status) across products, successes and errors."""
    account = f"{API}/{sub.sid}"
    return [
        ("GET", f"{account}.json", None, 200),
        ("POST", f"{account}/Messages.json", {"To": "+14155550100", "From": number}, 400),
        ("GET", f"{account}/Messages/SM{'0' * 32}.json", None, 404),
        ("GET", f"{account}/IncomingPhoneNumbers.json", None, 200),
        ("GET", "https://messaging.twilio.com/v1/Services", None, 200),
        ("GET", f"https://messaging.twilio.com/v1/Services/MG{'0' * 32}", None, 404),
        ("GET", "https://trusthub.twilio.com/v1/CustomerProfiles", None, 200),
        ("GET", f"https://trusthub.twilio.com/v1/EndUsers/IT{'0' * 32}", None, 404),
        ("GET", "https://lookups.twilio.com/v2/PhoneNumbers/+14155550100", None, 200),
        ("GET", "https://lookups.twilio.com/v2/PhoneNumbers/abc", None, 200),
        ("POST", "https://accounts.twilio.com/v1/AuthTokens/Promote", None, 404),
    ]


def test_every_answer_carries_a_request_id(sub, number):
    seen = set()
    for method, url, form, expected in _calls(sub, number.phone_number):
        status, _, headers = transport.handle(method, url, data=form, auth=(sub.sid, sub.token))
        assert status == expected, (method, url)
        assert REQUEST_ID.match(headers["Twilio-Request-Id"]), (method, url)
        seen.add(headers["Twilio-Request-Id"])
    status, _, headers = transport.handle("GET", f"{API}.json")
    assert status == 401 and REQUEST_ID.match(headers["Twilio-Request-Id"])
    assert len(seen) == len(_calls(sub, number.phone_number))


def test_request_id_over_http_on_success_error_and_media(sub, number):
    django = DjangoClient()
    auth = {"HTTP_AUTHORIZATION": basic(sub.sid, sub.token)}
    ok = django.get(f"/sandbox/twilio/api/2010-04-01/Accounts/{sub.sid}.json", **auth)
    refused = django.get("/sandbox/twilio/api/2010-04-01/Accounts.json")
    bad_json = django.post("/sandbox/twilio/messaging/v1/Services", "{", "application/json", **auth)
    assert (ok.status_code, refused.status_code, bad_json.status_code) == (200, 401, 400)
    for response in (ok, refused, bad_json):
        assert REQUEST_ID.match(response["Twilio-Request-Id"])


def test_every_error_has_twilios_shape_with_more_info(sub, number):
    errors = [c for c in _calls(sub, number.phone_number) if c[3] >= 400]
    for method, url, form, expected in errors:
        status, body, _ = transport.handle(method, url, data=form, auth=(sub.sid, sub.token))
        error = json.loads(body)
        assert set(error) == {"code", "message", "more_info", "status"}, url
        assert error["status"] == status == expected
        assert error["more_info"] == f"https://www.twilio.com/docs/errors/{error['code']}"


def test_invalid_json_over_http_is_twilios_error(sub):
    response = DjangoClient().post(
        "/sandbox/twilio/messaging/v1/Services",
        "{",
        "application/json",
        HTTP_AUTHORIZATION=basic(sub.sid, sub.token),
    )
    assert response.json() == {
        "code": 20001,
        "message": "Invalid JSON body",
        "more_info": "https://www.twilio.com/docs/errors/20001",
        "status": 400,
    }


def test_unknown_parameter_strict_is_refused(sub):
    status, body, _ = transport.handle(
        "GET",
        f"{API}/{sub.sid}/Messages.json",
        params={"Too": "+14155550100"},
        auth=(sub.sid, sub.token),
    )
    assert (status, json.loads(body)["code"]) == (400, 20001)
    assert "Too" in json.loads(body)["message"]


def test_unknown_parameter_lenient_is_logged_and_ignored(sub, settings, caplog):
    settings.SANDBOX_STRICT_PARAMS = False
    caplog.set_level(logging.WARNING, logger="sandbox")
    status, body, _ = transport.handle(
        "POST",
        "https://messaging.twilio.com/v1/Services",
        data={"FriendlyName": "Shop", "Colour": "blue"},
        auth=(sub.sid, sub.token),
    )
    assert status == 201
    assert json.loads(body)["friendly_name"] == "Shop"
    status, body, _ = transport.handle(
        "GET",
        f"{API}/{sub.sid}/Messages.json",
        params={"Too": "+14155550100", "PageSize": "1"},
        auth=(sub.sid, sub.token),
    )
    assert status == 200
    assert "Too" not in json.loads(body)["uri"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "sandbox"]
    assert "sandbox: ignored unknown parameter Colour for POST messaging:/v1/Services" in warnings
    too = "sandbox: ignored unknown parameter Too for GET api:"
    assert any(w.startswith(too) for w in warnings), warnings
