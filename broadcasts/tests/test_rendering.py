import pytest

from broadcasts.services.rendering import (
    render_for,
    render_text,
    template_variables_for,
    unknown_variables,
    variables_in,
)
from broadcasts.tests.factories import BroadcastFactory
from contacts.tests.factories import ContactFactory, ContactFieldFactory


def test_render_fills_values_and_fallbacks():
    values = {"first_name": "Ana", "city": "", "phone": "+18135550100"}
    text = "Hi {{ first_name }} in {{city|your town}}, {{last_name}}! {{phone}}"
    assert render_text(text, values) == "Hi Ana in your town, ! +18135550100"
    assert variables_in(text) == ["first_name", "city", "last_name", "phone"]


@pytest.mark.django_db
def test_render_for_a_contact_with_custom_fields(tenant):
    ContactFieldFactory(tenant=tenant, key="plan")
    contact = ContactFactory(tenant=tenant, first_name="Ana", fields={"plan": "Gold", "age": 41})
    broadcast = BroadcastFactory(
        tenant=tenant, body="{{first_name}}: {{plan}}", template_variables={"1": "{{plan|none}}"}
    )
    assert render_for(broadcast, contact) == "Ana: Gold"
    assert template_variables_for(broadcast, contact) == {"1": "Gold"}
    assert unknown_variables("{{plan}} {{age}} {{email}}", tenant.pk) == ["age"]
