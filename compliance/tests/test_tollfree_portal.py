"""Portal pages of toll-free verification: the numbers with their timeline, the form with
field-level pre-flight errors, submitting, resubmitting a rejection, and tenant isolation."""

import pytest
from django.urls import reverse

from compliance.demo import drive_tollfree_in_sandbox
from compliance.models import TollFreeVerification
from compliance.services import suggested_use_case
from compliance.testing import complete_profile
from compliance.tests.test_tollfree import provision_toll_free
from tenants.models import BusinessProfile, Membership
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def number(tenant):
    complete_profile(tenant)
    return provision_toll_free(tenant).number


@pytest.fixture
def owner_client(client, tenant):
    client.force_login(MembershipFactory(tenant=tenant, role=Membership.Role.OWNER).user)
    return client


def form_body(tenant, **overrides) -> dict:
    data = {**suggested_use_case(tenant), **overrides}
    body = {}
    for name, value in data.items():
        if name == "use_case_categories":
            body[name] = value
        elif isinstance(value, list):
            body[name] = "\n".join(value) if name == "opt_in_image_urls" else ", ".join(value)
        else:
            body[name] = value
    return body


def test_a_toll_free_number_is_verified_from_the_portal(owner_client, tenant, number):
    page = owner_client.get(reverse("compliance:toll_free")).content.decode()
    assert number.phone_number in page and "Not verified" in page and "Verify this number" in page
    url = reverse("compliance:toll_free_form", args=[number.pk])
    form = owner_client.get(url).content.decode()
    assert BusinessProfile.objects.get(tenant=tenant).legal_name in form  # from the profile
    assert "What we check before sending anything to Twilio" in form

    response = owner_client.post(url, form_body(tenant))
    assert response.status_code == 302, response.content.decode()[:2000]
    verification = TollFreeVerification.objects.get(phone_number=number)
    drive_tollfree_in_sandbox(verification)
    page = owner_client.get(reverse("compliance:toll_free")).content.decode()
    assert "Verified" in page and "Twilio: TWILIO_APPROVED" in page
    assert "Twilio review" in page and "timeline-step is-approved" in page


def test_pre_flight_errors_show_beside_the_fields(owner_client, tenant, number):
    url = reverse("compliance:toll_free_form", args=[number.pk])
    response = owner_client.post(
        url, form_body(tenant, production_message_sample="Hi there", opt_in_image_urls=[])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "opt-out language" in page and "Link a screenshot" in page
    assert not TollFreeVerification.objects.exists()


def test_a_rejection_shows_its_reason_and_the_edit_window(owner_client, tenant, number):
    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Mismatch Roasters LLC")
    url = reverse("compliance:toll_free_form", args=[number.pk])
    owner_client.post(url, form_body(tenant))
    drive_tollfree_in_sandbox(TollFreeVerification.objects.get(phone_number=number))
    page = owner_client.get(reverse("compliance:toll_free")).content.decode()
    assert "Invalid information" in page and "Fix and resubmit" in page
    assert "Edit window closes" in page
    form = owner_client.get(url).content.decode()
    assert "Twilio reviews an edit first" in form and "What you fixed" in form

    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Acme Roasters LLC")
    response = owner_client.post(url, {**form_body(tenant), "edit_reason": "Name fixed"})
    assert response.status_code == 302
    assert TollFreeVerification.objects.filter(phone_number=number, version=2).exists()


def test_viewers_see_but_cannot_submit(client, tenant, number):
    client.force_login(MembershipFactory(tenant=tenant, role=Membership.Role.VIEWER).user)
    url = reverse("compliance:toll_free_form", args=[number.pk])
    assert "Only owners and admins" in client.get(url).content.decode()
    client.post(url, form_body(tenant))
    assert not TollFreeVerification.objects.exists()


def test_another_tenants_number_is_not_found(owner_client, other_tenant):
    theirs = provision_toll_free(other_tenant).number
    url = reverse("compliance:toll_free_form", args=[theirs.pk])
    assert owner_client.get(url).status_code == 404
    assert owner_client.post(url, {}).status_code == 404
    assert (
        theirs.phone_number
        not in owner_client.get(reverse("compliance:toll_free")).content.decode()
    )
