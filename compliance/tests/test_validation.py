"""Pre-flight validation: each rule carriers reject for, caught with a field-level error
before anything is sent to Twilio."""

import pytest
from django.core.exceptions import ValidationError

from compliance.models import Registration
from compliance.services import registration_submit
from compliance.testing import valid_submission
from compliance.validation import RULES, preflight
from sandbox.resources.trusthub.models import Bundle, EndUser
from tenants.services import Actor


def errors_for(**overrides) -> dict[str, list[str]]:
    return preflight(valid_submission(**overrides)).errors


def test_a_valid_submission_passes_and_is_normalized():
    result = preflight(valid_submission(ein="123456789", website="acme-coffee.example.com"))
    assert result.ok, result.errors
    assert result.cleaned["ein"] == "12-3456789"
    assert result.cleaned["website"] == "https://acme-coffee.example.com"
    assert result.cleaned["opt_out_keywords"][0] == "STOP"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        # required business fields, well-formed
        ({"legal_name": ""}, "legal_name", "legal name"),
        ({"industry": ""}, "industry", "industry"),
        ({"address_city": ""}, "address_city", "city"),
        ({"rep_email": ""}, "rep_email", "email"),
        ({"ein": "12-345"}, "ein", "9 digits"),
        ({"ein": "00-1234567"}, "ein", "not an EIN the IRS issues"),
        ({"ein": ""}, "ein", "sole proprietor"),
        ({"website": "http://localhost:8000"}, "website", "public address"),
        ({"website": "https://10.0.0.5"}, "website", "IP address"),
        ({"website": "https://bit.ly/acme"}, "website", "link shorteners"),
        ({"website": "ftp://acme.example.com"}, "website", "https://"),
        ({"website": "https://[acme.example.com"}, "website", "not a web address"),
        ({"privacy_policy_url": "acme[.example.com"}, "privacy_policy_url", "not a web address"),
        ({"rep_phone": "555-0100"}, "rep_phone", "E.164"),
        ({"contact_phone": "12"}, "contact_phone", "E.164"),
        ({"rep_email": "dana@"}, "rep_email", "valid email"),
        ({"address_region": "California"}, "address_region", "2-letter state"),
        ({"address_postal_code": "941"}, "address_postal_code", "5 digits"),
        ({"address_street": "PO Box 12"}, "address_street", "PO box"),
        ({"rep_job_position": "Boss"}, "rep_job_position", "Choose one of"),
        # matching legal name
        ({"legal_name": "Acme Coffee Roasters"}, "legal_name", "LLC"),
        (
            {"legal_name": "Acme Coffee", "business_type": "corporation"},
            "legal_name",
            "Inc",
        ),
        ({"legal_name": "acme-coffee.com"}, "legal_name", "not a website"),
        # company type
        ({"company_type": "public"}, "stock_ticker", "ticker"),
        ({"company_type": "public"}, "brand_contact_email", "verification email"),
        ({"company_type": "non_profit"}, "company_type", "Non-profit"),
        # sole proprietor brands are for businesses without an EIN
        (
            {"brand_type": "SOLE_PROPRIETOR", "use_case": "SOLE_PROPRIETOR"},
            "ein",
            "without an EIN",
        ),
        ({"brand_type": "SOLE_PROPRIETOR"}, "use_case", "SOLE_PROPRIETOR"),
        # samples name the brand and carry opt-out language
        (
            {"sample_messages": ["Your order #12 is ready. Reply STOP to opt out.", "x" * 30]},
            "sample_messages.0",
            "Name the brand",
        ),
        (
            {"sample_messages": ["Acme Coffee: order #12 is ready.", "Acme Coffee: 20% off."]},
            "sample_messages",
            "opt-out language",
        ),
        ({"sample_messages": ["Acme Coffee: hi, reply STOP to end"]}, "sample_messages", "two"),
        (
            {
                "sample_messages": [
                    "Acme Coffee: see https://bit.ly/x Reply STOP to opt out",
                    "Acme Coffee: your order is ready, reply STOP to opt out",
                ]
            },
            "sample_messages.0",
            "shorteners",
        ),
        (
            {
                "sample_messages": [
                    "Acme Coffee: menu at https://acme-coffee.example.com/menu. Reply STOP",
                    "Acme Coffee: your order is ready, reply STOP to opt out",
                ]
            },
            "has_embedded_links",
            "contain a link",
        ),
        (
            {
                "sample_messages": [
                    "Acme Coffee: call us at (415) 555-0101. Reply STOP to opt out.",
                    "Acme Coffee: your order is ready, reply STOP to opt out",
                ]
            },
            "has_embedded_phone",
            "phone number",
        ),
        # message flow describes the consent
        (
            {"message_flow": "Customers get our texts about orders and news weekly."},
            "message_flow",
            "consent",
        ),
        ({"message_flow": "short"}, "message_flow", "40 characters"),
        # opt-out keywords include STOP; opt-out reply confirms
        ({"opt_out_keywords": ["END", "QUIT"]}, "opt_out_keywords", "STOP"),
        ({"opt_out_message": "Acme Coffee: sorry to see you go!!"}, "opt_out_message", "no more"),
        # help message with contact info
        ({"help_keywords": ["INFO"]}, "help_keywords", "HELP"),
        (
            {"help_message": "Acme Coffee: we are here to help you anytime."},
            "help_message",
            "contact",
        ),
        ({"help_message": "For help email help@acme-coffee.example.com"}, "help_message", "brand"),
        # opt-in confirmation
        (
            {"opt_in_message": "Acme Coffee: welcome! Reply STOP to opt out."},
            "opt_in_message",
            "rates",
        ),
        # use-case rules: marketing needs explicit consent language
        (
            {
                "use_case": "MARKETING",
                "message_flow": "Customers opt in by ticking an unchecked box at checkout to "
                "receive order updates from Acme Coffee.",
            },
            "message_flow",
            "explicit consent",
        ),
        ({"use_case": "CHARITY"}, "use_case", "listed use cases"),
        # flags carriers check
        (
            {"description": "Acme Coffee sends wine and beer tasting invites to customers."},
            "age_gated",
            "age-gated",
        ),
        (
            {"description": "Acme Coffee sends payday loan offers to customers who opted in."},
            "direct_lending",
            "direct lending",
        ),
        ({"description": "Coffee texts"}, "description", "40 characters"),
        ({"privacy_policy_url": "not a url"}, "privacy_policy_url", "domain"),
    ],
)
def test_each_rule_reports_its_field_and_how_to_fix_it(overrides, field, words):
    errors = errors_for(**overrides)
    assert field in errors, errors
    assert words.lower() in " ".join(errors[field]).lower(), errors[field]


def test_the_rules_are_listed_in_words():
    assert len(RULES) >= 10
    assert any("STOP" in rule for rule in RULES)


@pytest.mark.django_db
def test_a_failing_submission_sends_nothing_to_twilio_and_stores_nothing(tenant, owner):
    with pytest.raises(ValidationError) as err:
        registration_submit(
            tenant=tenant,
            data=valid_submission(opt_out_keywords=["END"], ein="1"),
            actor=Actor(user=owner),
        )
    assert set(err.value.message_dict) >= {"opt_out_keywords", "ein"}
    assert not Registration.objects.exists()
    assert not Bundle.objects.exists() and not EndUser.objects.exists()
