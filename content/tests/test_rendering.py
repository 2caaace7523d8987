"""Rendering a template with its variables, and the check a send's variables pass."""

import pytest
from django.core.exceptions import ValidationError

from content.models import MessageTemplate
from content.rendering import render, render_buttons, validate_variables
from content.selectors import approved_templates
from content.tests.factories import ApprovedTemplateFactory, MessageTemplateFactory
from content.vocab import ApprovalStatus, ButtonKind, Category, ContentKind


def text(**fields) -> MessageTemplate:
    return MessageTemplate(
        name="order_update",
        body="Hello {{1}}, your order {{2}} has shipped.",
        variables={"1": "Ana", "2": "A-1042"},
        **fields,
    )


def test_render_fills_values_then_samples():
    t = text()
    assert render(t, {"1": "Bo"}) == "Hello Bo, your order A-1042 has shipped."
    assert render(t, {}) == "Hello Ana, your order A-1042 has shipped."


def test_render_card_footer_and_button_urls():
    t = text(
        content_type=ContentKind.CARD,
        footer="Reply STOP to opt out",
        buttons=[{"type": ButtonKind.URL, "title": "Track", "url": "https://x.example/t/{{2}}"}],
    )
    assert render(t, {"2": "Z9"}).splitlines() == [
        "Hello Ana, your order Z9 has shipped.",
        "Reply STOP to opt out",
    ]
    assert render_buttons(t, {"2": "Z9"})[0]["url"] == "https://x.example/t/Z9"


def test_render_authentication_uses_whatsapps_wording():
    t = MessageTemplate(
        name="otp",
        category=Category.AUTHENTICATION,
        content_type=ContentKind.AUTHENTICATION,
        variables={"1": "123456"},
        code_expiration_minutes=5,
    )
    assert render(t, {"1": "987654"}) == (
        "987654 is your verification code. For your security, do not share this code.\n"
        "This code expires in 5 minutes."
    )


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"3": "x"}, "{{3}} is not in template"),
        ({"1": " "}, "{{1}} needs a value"),
        ({"2": "x" * 1601}, "{{2}} is longer than 1600"),
        ({"2": "x" * 1000}, "WhatsApp allows 1024 (error 63021)"),
    ],
)
def test_validate_variables_names_the_variable(variables, words):
    with pytest.raises(ValidationError) as raised:
        validate_variables(text(), variables)
    assert words in raised.value.messages[0]


def test_validate_variables_without_samples_needs_every_value():
    t = text()
    t.variables = {}
    with pytest.raises(ValidationError, match=r"\{\{1\}\} needs a value"):
        validate_variables(t, {"2": "A-1"})
    validate_variables(t, {"1": "Ana", "2": "A-1"})


def test_approved_templates_only_sendable_ones_of_the_tenant(tenant, other_tenant):
    approved = ApprovedTemplateFactory(tenant=tenant, language="en")
    ApprovedTemplateFactory(tenant=tenant, language="es")
    ApprovedTemplateFactory(tenant=tenant, status=ApprovalStatus.PAUSED)
    MessageTemplateFactory(tenant=tenant)
    ApprovedTemplateFactory(tenant=other_tenant)
    assert [t.pk for t in approved_templates(tenant, language="en")] == [approved.pk]
    assert approved_templates(tenant).count() == 2
