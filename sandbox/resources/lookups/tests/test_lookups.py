"""Lookups v2: validity and line type."""

import json

import pytest

from sandbox.core import spec
from sandbox.resources.lookups import packages
from sandbox.testing import error_of

SCHEMA_KEYS = set(
    spec.load_spec("lookups_v2")["components"]["schemas"]["LookupResponse"]["properties"]
)
pytestmark = pytest.mark.django_db


def lookup(client, number, **kwargs):
    return client.lookups.v2.phone_numbers(number).fetch(**kwargs)


def test_valid_mobile(sub):
    result = lookup(sub.client, "+14155550100", fields="line_type_intelligence")
    assert result.valid is True and result.validation_errors == []
    assert (result.country_code, result.calling_country_code) == ("US", "1")
    assert result.national_format == "(415) 555-0100"
    assert result.line_type_intelligence["type"] == "mobile"


@pytest.mark.parametrize(
    ("number", "kind"),
    [("+15005550009", "landline"), ("+18005550100", "tollFree")],
)
def test_line_types(sub, number, kind):
    assert (
        lookup(sub.client, number, fields="line_type_intelligence").line_type_intelligence["type"]
        == kind
    )


def test_owned_numbers_are_voip(sub, buy_number):
    local = buy_number(sub, area_code=415)
    result = lookup(sub.client, local.phone_number, fields="line_type_intelligence")
    assert result.line_type_intelligence["type"] == "nonFixedVoip"


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("+1415555010", "TOO_SHORT"),
        ("+11234567890", "INVALID_BUT_POSSIBLE"),
        ("+15005550001", "INVALID_BUT_POSSIBLE"),
        ("+1415555010099999", "TOO_LONG"),
        ("hello", "NOT_A_NUMBER"),
    ],
)
def test_invalid_numbers(sub, number, error):
    result = lookup(sub.client, number, fields="line_type_intelligence")
    assert result.valid is False
    assert result.validation_errors == [error]
    assert result.line_type_intelligence is None


def test_national_number_with_country_code(sub):
    assert lookup(sub.client, "4155550100", country_code="US").phone_number == "+14155550100"


def raw_lookup(sub, number, **query):
    from sandbox import transport

    status, body, _ = transport.handle(
        "GET",
        f"https://lookups.twilio.com/v2/PhoneNumbers/{number}",
        params=query,
        auth=(sub.sid, sub.token),
    )
    return status, json.loads(body)


def test_every_key_of_the_resource_is_answered_null_when_not_requested(sub):
    status, body = raw_lookup(sub, "+14155550100", Fields="line_type_intelligence")
    assert status == 200
    assert set(body) == SCHEMA_KEYS
    assert body["line_type_intelligence"]["type"] == "mobile"
    assert body["line_type_intelligence"]["error_code"] is None
    assert all(body[name] is None for name in packages.PACKAGES if name != "line_type_intelligence")


def test_an_invalid_number_answers_every_key(sub):
    status, body = raw_lookup(sub, "+141599299600", Fields="caller_name")
    assert (status, set(body)) == (200, SCHEMA_KEYS)
    assert body["valid"] is False and body["caller_name"] is None


@pytest.mark.parametrize(
    "package",
    [
        "sim_swap",
        "call_forwarding",
        "line_status",
        "identity_match",
        "reassigned_number",
        "phone_number_quality_score",
        "pre_fill",
    ],
)
def test_a_package_the_account_is_not_enabled_for_answers_60606(sub, package):
    result = lookup(sub.client, "+447700900123", fields=package)
    answered = getattr(result, package)
    assert int(answered["error_code"]) == 60606
    assert set(answered) - {"error_code"} and all(
        value is None for key, value in answered.items() if key != "error_code"
    )


def test_caller_name_outside_the_us_has_no_data(sub):
    us = lookup(sub.client, "+14155550100", fields="caller_name").caller_name
    gb = lookup(sub.client, "+447700900123", fields="caller_name").caller_name
    assert us["caller_type"] == "CONSUMER" and us["error_code"] is None
    assert gb == {"caller_name": None, "caller_type": None, "error_code": 60600}


def test_sms_pumping_risk_is_served(sub):
    risk = lookup(sub.client, "+14155550100", fields="sms_pumping_risk").sms_pumping_risk
    assert risk["error_code"] is None and 0 <= risk["sms_pumping_risk_score"] < 30
    assert risk["number_blocked"] is False


def test_validation_field_adds_no_package(sub):
    status, body = raw_lookup(sub, "+14155550100", Fields="validation")
    assert status == 200 and all(body[name] is None for name in packages.PACKAGES)


def test_an_unknown_field_is_a_400(sub):
    assert error_of(lambda: lookup(sub.client, "+14155550100", fields="carrier")) == (400, 60618)
