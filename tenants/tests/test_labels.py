"""Pages show words, not codes: one label mechanism for choices, audit events and errors."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from isvplatform.labels import error_label, humanize_code, label_for
from messaging.tests.factories import MessageFactory
from provisioning.selectors import OnboardingStep
from tenants.audit_labels import AUDIT_ACTIONS, audit_action_label
from tenants.models import BusinessProfile, Membership
from tenants.services import Actor, member_invite, record_audit
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, tenant):
    client.force_login(MembershipFactory(tenant=tenant, role=Membership.Role.OWNER).user)
    return client


def test_codes_read_as_words_and_registered_choices_use_their_labels():
    assert humanize_code("in_progress") == "In progress"
    assert humanize_code("api_key.created") == "API key created"
    assert label_for("toll_free", "number_type") == "Toll-free"
    assert label_for("whatsapp", "channel") == "WhatsApp"
    assert label_for("sms", "channel") == "SMS"
    assert label_for("in_progress", "onboarding_state") == "In progress"
    assert label_for("something_new", "no_such_choices") == "Something new"


def test_audit_codes_read_as_sentences():
    assert audit_action_label("member.invited") == "Invited a team member"
    assert audit_action_label("a2p.brand.in_review") == "10DLC brand: in review"
    assert audit_action_label("subaccount.something_new") == "Subaccount something new"
    assert all(sentence[0].isupper() for sentence in AUDIT_ACTIONS.values())


def test_an_error_without_a_code_shows_no_empty_brackets():
    assert error_label(None, "This tenant is suspended.") == "This tenant is suspended."
    assert error_label(20003, "Authentication failed") == "20003: Authentication failed"


def test_onboarding_states_and_number_types_render_as_labels(tenant):
    step = OnboardingStep("subaccount", "Twilio subaccount", "in_progress", "Creating it.")
    checklist = render_to_string("provisioning/_checklist.html", {"steps": [step]})
    assert ">In progress</span>" in checklist and "Inprogress" not in checklist

    offer = {
        "phone_number": "+18005550100",
        "friendly_name": "(800) 555-0100",
        "number_type": "toll_free",
        "iso_country": "US",
    }
    results = render_to_string("provisioning/_search_results.html", {"offers": [offer]})
    assert "<td>Toll-free</td>" in results and "Tollfree" not in results


def test_channels_show_their_labels_and_are_not_upper_cased(owner_client, tenant):
    MessageFactory(tenant=tenant, channel="sms")
    MessageFactory(tenant=tenant, channel="whatsapp")
    log = owner_client.get(reverse("messaging:log")).content.decode()
    assert '<span class="badge badge-channel">WhatsApp</span>' in log
    assert '<span class="badge badge-channel">SMS</span>' in log
    css = Path(settings.BASE_DIR, "static/css/messaging.css").read_text()
    channel_rule = next(line for line in css.splitlines() if ".badge-channel" in line)
    assert "uppercase" not in channel_rule


def test_the_dashboard_and_audit_log_show_sentences_not_codes(owner_client, tenant):
    member_invite(tenant=tenant, email="new@example.com", role="member", actor=Actor.system())
    record_audit(
        tenant=tenant, actor=Actor.system(), action="x.updated", changes={"legal_name": ["a", "b"]}
    )
    for name in ("portal:dashboard", "portal:audit"):
        body = owner_client.get(reverse(name)).content.decode()
        assert "Invited a team member" in body, name
        assert ">member.invited<" not in body, name
    audit = owner_client.get(reverse("portal:audit")).content.decode()
    assert "<dt>Legal name</dt>" in audit


def test_a_profile_without_a_legal_name_is_named_after_its_business(tenant):
    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="")
    assert str(BusinessProfile.objects.get(tenant=tenant)) == tenant.name
