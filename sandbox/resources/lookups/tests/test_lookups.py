"""Lookups v2: validity and line type."""

import pytest

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
