"""Staff admin: the review queue with every SID and raw error, and the re-poll and resubmit
actions."""

import pytest
from django.urls import reverse

from compliance.models import Registration, ReviewStatus
from compliance.services import registration_submit
from compliance.testing import (
    complete_profile,
    register_and_verify,
    valid_submission,
    verify_toll_free,
)
from compliance.tests.polling_helpers import until_brand_submitted
from compliance.tests.test_tollfree import provision_toll_free
from sandbox import clock
from tenants.models import BusinessProfile
from tenants.services import Actor
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    login_verified(client, staff_user)
    return client


def test_the_review_queue_lists_versions_with_their_steps(staff_client, provisioned):
    registration = register_and_verify(provisioned.tenant, legal_name="Mismatch Coffee LLC")
    page = staff_client.get(reverse("admin:compliance_registration_changelist")).content.decode()
    assert provisioned.tenant.name in page and "rejected" in page
    detail = staff_client.get(
        reverse("admin:compliance_registration_change", args=[registration.pk])
    ).content.decode()
    assert registration.brand.sid in detail and registration.customer_profile.sid in detail
    assert "FAILED" in detail and "IRS" in detail


def test_repoll_fetches_now_and_continues_the_chain(staff_client, provisioned):
    registration = registration_submit(
        tenant=provisioned.tenant, data=valid_submission(), actor=Actor.system()
    )
    brand = until_brand_submitted(registration)
    clock.advance(600)
    response = staff_client.post(
        reverse("admin:compliance_registration_changelist"),
        {"action": "repoll", "_selected_action": [str(registration.pk)]},
    )
    assert response.status_code == 302
    brand.refresh_from_db()
    registration.refresh_from_db()
    assert brand.status == ReviewStatus.APPROVED
    assert registration.campaign is not None and registration.step == "campaign"


def test_resubmit_creates_the_next_version(staff_client, provisioned):
    first = register_and_verify(provisioned.tenant, legal_name="Mismatch Coffee LLC")
    profile = provisioned.tenant.profile
    profile.refresh_from_db()
    profile.legal_name = "Acme Coffee Roasters LLC"  # staff fixed it with the owner
    profile.save()
    staff_client.post(
        reverse("admin:compliance_registration_changelist"),
        {"action": "resubmit", "_selected_action": [str(first.pk)]},
    )
    second = Registration.objects.for_tenant(provisioned.tenant).get(version=2)
    assert second.status == Registration.Status.SUBMITTED
    assert second.snapshot["legal_name"] == "Acme Coffee Roasters LLC"


def test_staff_see_toll_free_verifications_with_their_reasons(staff_client, tenant):
    number = provision_toll_free(tenant).number
    complete_profile(tenant)
    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Mismatch Roasters LLC")
    verification = verify_toll_free(tenant, number)
    page = staff_client.get(
        reverse("admin:compliance_tollfreeverification_changelist")
    ).content.decode()
    assert number.phone_number in page and "TWILIO_REJECTED" in page and "30445" in page
    detail = staff_client.get(
        reverse("admin:compliance_tollfreeverification_change", args=[verification.pk])
    )
    assert detail.status_code == 200 and verification.sid in detail.content.decode()
    response = staff_client.post(
        reverse("admin:compliance_tollfreeverification_changelist"),
        {"action": "repoll", "_selected_action": [verification.pk]},
    )
    assert response.status_code == 302
