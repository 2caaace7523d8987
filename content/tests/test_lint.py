"""The template lint: each rule with a template that breaks it, and templates it passes."""

import pytest

from content.lint import RULES, errors, lint
from content.models import MessageTemplate
from content.vocab import ButtonKind, Category, ContentKind


def template(**fields) -> MessageTemplate:
    """An unsaved template the lint passes, with `fields` changed."""
    values = {
        "name": "order_update",
        "language": "en",
        "category": Category.UTILITY,
        "content_type": ContentKind.TEXT,
        "body": "Hello {{1}}, your order {{2}} has shipped and arrives tomorrow.",
        "variables": {"1": "Ana", "2": "A-1042"},
        "buttons": [],
    }
    values.update(fields)
    return MessageTemplate(**values)


def codes(t: MessageTemplate) -> set[str]:
    return {finding.code for finding in lint(t)}


QR = {"type": ButtonKind.QUICK_REPLY, "title": "Yes", "id": "yes"}
LINK = {"type": ButtonKind.URL, "title": "Track it", "url": "https://shop.example.com/t/{{3}}"}
CALL = {"type": ButtonKind.PHONE_NUMBER, "title": "Call us", "phone": "+14155550100"}
OTP = {"type": ButtonKind.COPY_CODE, "title": "Copy code"}


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"content_type": ContentKind.QUICK_REPLY, "buttons": [QR]},
        {
            "content_type": ContentKind.CALL_TO_ACTION,
            "buttons": [LINK, CALL],
            "variables": {"1": "Ana", "2": "A-1042", "3": "A-1042"},
        },
        {"content_type": ContentKind.MEDIA, "media_url": "https://cdn.example.com/a.jpg"},
        {
            "content_type": ContentKind.CARD,
            "footer": "Reply STOP to opt out",
            "media_url": "https://cdn.example.com/a.jpg",
            "buttons": [QR],
        },
        {
            "content_type": ContentKind.AUTHENTICATION,
            "category": Category.AUTHENTICATION,
            "body": "",
            "variables": {"1": "123456"},
            "buttons": [OTP],
            "code_expiration_minutes": 10,
        },
        {"category": Category.MARKETING, "body": "Hi {{1}}, our summer sale starts today!"},
    ],
)
def test_well_formed_templates_pass(fields):
    t = template(**fields)
    if fields.get("category") == Category.MARKETING:
        t.variables = {"1": "Ana"}
    assert lint(t) == []


BROKEN = [
    ("name_format", {"name": "Order Update"}),
    ("name_format", {"name": "order-update"}),
    ("name_length", {"name": "a" * 513}),
    ("language", {"language": "English"}),
    ("body_required", {"body": "  ", "variables": {}}),
    ("body_length", {"body": "Hello {{1}}, " + "x" * 1020 + " ok", "variables": {"1": "A"}}),
    ("footer_not_allowed", {"footer": "Thanks"}),
    ("footer_length", {"content_type": ContentKind.CARD, "footer": "f" * 61}),
    ("footer_variables", {"content_type": ContentKind.CARD, "footer": "Bye {{1}}"}),
    ("variable_malformed", {"body": "Hello {{1}, your order {{2}} is here now."}),
    ("variable_malformed", {"body": "Hello {{first name}}, your order {{2}} is here."}),
    ("variable_numbering", {"body": "Hello {{1}}, your order {{3}} has shipped today."}),
    ("variable_numbering", {"body": "Hello {{2}}, your order {{3}} has shipped today."}),
    ("variable_edge", {"body": "{{1}}, your order {{2}} has shipped today."}),
    ("variable_edge", {"body": "Hello Ana, your order has shipped: {{1}}."}),
    ("variable_adjacent", {"body": "Hello there, order {{1}} {{2}} has shipped today."}),
    (
        "variable_count",
        {
            "body": "Values: " + " and ".join(f"{{{{{n}}}}}" for n in range(1, 102)) + " ok",
            "variables": {str(n): "v" for n in range(1, 102)},
        },
    ),
    ("variable_sample", {"variables": {"1": "Ana"}}),
    ("variable_sample", {"variables": {"1": "Ana", "2": " "}}),
    ("sample_unused", {"variables": {"1": "Ana", "2": "A-1", "3": "extra"}}),
    ("too_generic", {"body": "Hi {{1}} and {{2}} ok", "variables": {"1": "a", "2": "b"}}),
    ("button_required", {"content_type": ContentKind.QUICK_REPLY}),
    ("button_type", {"content_type": ContentKind.QUICK_REPLY, "buttons": [CALL]}),
    ("button_type", {"buttons": [QR]}),
    ("button_count", {"content_type": ContentKind.QUICK_REPLY, "buttons": [QR] * 11}),
    (
        "button_count",
        {
            "content_type": ContentKind.CALL_TO_ACTION,
            "buttons": [CALL, {**CALL, "phone": "+14155550101"}],
        },
    ),
    (
        "button_count",
        {
            "content_type": ContentKind.CALL_TO_ACTION,
            "buttons": [{**LINK, "url": "https://a.example.com"}] * 3,
        },
    ),
    (
        "button_text",
        {"content_type": ContentKind.QUICK_REPLY, "buttons": [{**QR, "title": "y" * 26}]},
    ),
    (
        "button_target",
        {
            "content_type": ContentKind.CALL_TO_ACTION,
            "buttons": [{**LINK, "url": "http://shop.example.com"}],
        },
    ),
    (
        "button_target",
        {"content_type": ContentKind.CALL_TO_ACTION, "buttons": [{**CALL, "phone": "555"}]},
    ),
    (
        "url_variable_position",
        {
            "content_type": ContentKind.CALL_TO_ACTION,
            "buttons": [{**LINK, "url": "https://shop.example.com/{{3}}/track"}],
            "variables": {"1": "Ana", "2": "A-1042", "3": "x"},
        },
    ),
    (
        "url_variable_position",
        {
            "content_type": ContentKind.CALL_TO_ACTION,
            "buttons": [{**LINK, "url": "https://{{3}}"}],
            "variables": {"1": "Ana", "2": "A-1042", "3": "x"},
        },
    ),
    ("media_required", {"content_type": ContentKind.MEDIA}),
    ("media_not_allowed", {"media_url": "https://cdn.example.com/a.jpg"}),
    (
        "media_public",
        {"content_type": ContentKind.MEDIA, "media_url": "http://cdn.example.com/a.jpg"},
    ),
    ("authentication_format", {"category": Category.AUTHENTICATION}),
    (
        "authentication_format",
        {
            "content_type": ContentKind.AUTHENTICATION,
            "category": Category.UTILITY,
            "body": "",
            "variables": {"1": "123456"},
            "buttons": [OTP],
        },
    ),
    (
        "code_expiration",
        {
            "content_type": ContentKind.AUTHENTICATION,
            "category": Category.AUTHENTICATION,
            "body": "",
            "variables": {"1": "123456"},
            "buttons": [OTP],
            "code_expiration_minutes": 91,
        },
    ),
    (
        "category_mismatch",
        {"body": "Hello {{1}}, order {{2}} shipped. Use code SAVE10 for 20% off your next!"},
    ),
]


@pytest.mark.parametrize(("code", "fields"), BROKEN)
def test_each_rule_catches_what_breaks_it(code, fields):
    found = codes(template(**fields))
    assert code in found, found


def test_every_rule_is_tested_and_cites_its_source():
    assert set(RULES) == {code for code, _ in BROKEN}
    for rule in RULES.values():
        assert rule.source and rule.message


def test_hints_do_not_block_but_errors_do():
    hint = template(body="Hello {{1}}, order {{2}} shipped. Our sale starts Monday!")
    assert [f.code for f in lint(hint)] == ["category_mismatch"]
    assert errors(hint) == []
    broken = template(name="Bad Name")
    assert [f.field for f in errors(broken)] == ["name"]
