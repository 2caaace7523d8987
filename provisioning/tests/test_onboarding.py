"""The onboarding checklist's steps, as the portal and the API show them."""

import pytest

from provisioning.models import TwilioSubaccount
from provisioning.numbers import number_buy
from provisioning.selectors import onboarding_steps
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def states(tenant) -> dict[str, str]:
    return {step.key: step.state for step in onboarding_steps(tenant)}


def test_a_new_tenant_starts_with_everything_to_do(tenant):
    steps = onboarding_steps(tenant)
    assert [s.key for s in steps] == ["profile", "subaccount", "number", "10dlc"]
    assert states(tenant) == {
        "profile": "todo",
        "subaccount": "todo",
        "number": "todo",
        "10dlc": "todo",
    }


def test_steps_follow_provisioning_and_the_number(tenant, provision):
    TwilioSubaccount.objects.create(tenant=tenant, friendly_name="x")
    assert states(tenant)["subaccount"] == "in_progress"
    TwilioSubaccount.objects.filter(tenant=tenant).delete()

    provision(tenant, area_code="415")
    assert states(tenant)["subaccount"] == "done"
    assert states(tenant)["number"] == "in_progress"  # the first number is being bought

    number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    assert states(tenant)["number"] == "done"


def test_the_10dlc_step_links_to_the_compliance_pages(tenant):
    step = onboarding_steps(tenant)[-1]
    assert step.key == "10dlc" and step.url == "/10dlc/"
