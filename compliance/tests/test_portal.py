"""Portal pages: the wizard pre-filled from the business profile, its field-level errors,
the status timeline, and the version history."""

import pytest
from django.urls import reverse

from compliance.models import Registration
from compliance.services import registration_submit
from compliance.testing import register_and_verify, valid_submission
from compliance.tests.factories import RegistrationFactory
from tenants.models import Membership
from tenants.services import Actor
from tenants.tests.factories import MembershipFactory

Role = Membership.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_in(client, tenant):
    def make(role=Role.OWNER, for_tenant=None) -> Membership:
        membership = MembershipFactory(tenant=for_tenant or tenant, role=role)
        client.force_login(membership.user)
        return membership

    return make


def form_body(**overrides) -> dict:
    data = valid_submission(**overrides)
    body = {}
    for name, value in data.items():
        if isinstance(value, bool):
            if value:
                body[name] = "on"
        elif isinstance(value, list):
            body[name] = "\n".join(value) if name == "sample_messages" else ", ".join(value)
        else:
            body[name] = value
    return body


def test_the_wizard_is_prefilled_from_the_business_profile(client, sign_in, tenant):
    tenant.profile.legal_name = "Prefilled Bakery LLC"
    tenant.profile.save()
    sign_in()
    page = client.get(reverse("compliance:wizard"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="Prefilled Bakery LLC"' in body
    assert "Reply STOP to opt out" in body  # suggested samples
    assert "What we check before sending anything to Twilio" in body
    assert body.count('class="field wide') == 8  # long texts span the row, the rest don't


def test_the_wizard_shows_field_errors_and_keeps_the_input(client, sign_in):
    sign_in()
    response = client.post(
        reverse("compliance:wizard"),
        form_body(
            ein="12-34",
            sample_messages=["Your order is ready. Reply STOP to opt out.", "x" * 25],
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "An EIN has 9 digits" in body
    assert "Sample 1: Name the brand" in body
    assert 'value="12-34"' in body
    assert not Registration.objects.exists()


def test_submitting_the_wizard_starts_version_1(client, sign_in, tenant):
    sign_in()
    response = client.post(reverse("compliance:wizard"), form_body())
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:index")
    registration = Registration.objects.for_tenant(tenant).get()
    assert (registration.version, registration.status) == (1, "submitted")
    assert registration.snapshot["sample_messages"][0].startswith("Acme Coffee:")
    page = client.get(reverse("compliance:index")).content.decode()
    assert "Version 1 is in progress" in page
    assert "Business profile (TrustHub)" in page


def test_a_draft_is_saved_without_checks(client, sign_in, tenant):
    sign_in()
    response = client.post(reverse("compliance:wizard"), {**form_body(ein=""), "save_draft": "1"})
    assert response.status_code == 302
    assert Registration.objects.for_tenant(tenant).get().status == "draft"


def test_members_and_viewers_cannot_submit(client, sign_in):
    for role in (Role.VIEWER, Role.MEMBER):
        sign_in(role=role)
        assert client.post(reverse("compliance:wizard"), form_body()).status_code == 403
        assert client.get(reverse("compliance:wizard")).status_code == 200
    assert not Registration.objects.exists()


def test_the_status_page_shows_each_step_and_the_history(client, sign_in, provisioned):
    sign_in(for_tenant=provisioned.tenant)
    register_and_verify(provisioned.tenant, legal_name="Mismatch Coffee Roasters LLC")
    page = client.get(reverse("compliance:index")).content.decode()
    assert "was rejected" in page and "IRS" in page
    assert "Fix what is listed here" in page
    assert "Change details and resubmit" in page
    partial = client.get(reverse("compliance:index"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="timeline"' in partial and "<html" not in partial


def test_another_tenants_version_is_not_found(client, sign_in, other_tenant):
    sign_in()
    theirs = RegistrationFactory(tenant=other_tenant)
    assert client.get(reverse("compliance:version", args=[theirs.pk])).status_code == 404


def test_a_version_page_shows_its_snapshot(client, sign_in, tenant):
    sign_in()
    mine = RegistrationFactory(tenant=tenant, version=1)
    page = client.get(reverse("compliance:version", args=[mine.pk])).content.decode()
    assert "Acme Coffee Roasters LLC" in page and "Version 1" in page


def test_an_unregistered_tenant_is_invited_to_start(client, sign_in):
    sign_in()
    page = client.get(reverse("compliance:index")).content.decode()
    assert "Not registered yet" in page and "Start registration" in page
    assert reverse("compliance:index") in client.get(reverse("portal:dashboard")).content.decode()


def test_the_changed_since_approved_panel_shows_values_not_python_lists(
    client, sign_in, provisioned
):
    sign_in(for_tenant=provisioned.tenant)
    register_and_verify(provisioned.tenant)
    samples = [
        "Acme Coffee: fresh pastries are in this morning. Reply STOP to opt out.",
        "Acme Coffee: your order #1042 is ready for pickup. Reply STOP to opt out.",
    ]
    registration_submit(
        tenant=provisioned.tenant,
        data=valid_submission(sample_messages=samples, opt_in_keywords=["START"]),
        actor=Actor.system(),
        draft=True,
    )
    page = client.get(reverse("compliance:index")).content.decode()
    assert "Changed since your approved registration" in page
    assert "[&#x27;" not in page and "[&quot;" not in page
    assert "this morning. Reply STOP to opt out. · Acme Coffee: your order" in page
    assert "START · JOIN" in page  # the approved keywords, as words
    wizard = client.get(reverse("compliance:wizard")).content.decode()
    assert "[&#x27;" not in wizard
    assert "Submitting here creates version 2" in wizard  # the draft, not a third version


def test_the_panel_offers_no_new_version_while_one_is_in_review(client, sign_in, provisioned):
    sign_in(for_tenant=provisioned.tenant)
    register_and_verify(provisioned.tenant)
    second = registration_submit(
        tenant=provisioned.tenant,
        data=valid_submission(website="https://acme-coffee-roasters.example.com"),
        actor=Actor.system(),
    )
    assert second.is_open
    page = client.get(reverse("compliance:index")).content.decode()
    assert "Changed since your approved registration" in page
    assert "acme-coffee-roasters.example.com" in page
    assert "Submit these changes as a new version" not in page
    assert "Version 2 carries these changes and is being reviewed" in page
