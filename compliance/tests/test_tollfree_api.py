"""The /api/v1/toll-free-verifications endpoints: submit, list, retrieve, resubmit."""

import pytest

from compliance.demo import drive_tollfree_in_sandbox
from compliance.models import TollFreeVerification
from compliance.services import suggested_use_case
from compliance.testing import complete_profile
from compliance.tests.factories import TollFreeVerificationFactory
from compliance.tests.test_tollfree import provision_toll_free
from tenants.models import BusinessProfile, Membership

pytestmark = pytest.mark.django_db
URL = "/api/v1/toll-free-verifications"


@pytest.fixture
def number(tenant):
    complete_profile(tenant)
    return provision_toll_free(tenant).number


def body(tenant, number, **overrides):
    return {**suggested_use_case(tenant), "phone_number_id": str(number.pk), **overrides}


def test_submit_list_and_retrieve_with_the_timeline(member_client, tenant, number):
    client = member_client()
    response = client.post(URL, body(tenant, number), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["phone_number"] == number.phone_number and created["version"] == 1
    assert [s["step"] for s in created["timeline"]] == ["business_profile", "submission", "review"]

    verification = drive_tollfree_in_sandbox(TollFreeVerification.objects.get(pk=created["id"]))
    assert verification.raw_status == "TWILIO_APPROVED"
    listed = client.get(URL).json()["results"]
    assert [v["id"] for v in listed] == [created["id"]]
    detail = client.get(f"{URL}/{created['id']}").json()
    assert detail["status"] == "approved" and detail["sid"].startswith("HH")
    review = detail["timeline"][2]
    assert review["status"] == "approved" and review["raw_status"] == "TWILIO_APPROVED"
    assert [t["to_status"] for t in review["transitions"]] == ["submitted", "in_review", "approved"]
    assert client.post(URL, body(tenant, number), format="json").status_code == 409


def test_pre_flight_answers_400_with_each_field(member_client, tenant, number):
    response = member_client().post(
        URL,
        body(tenant, number, production_message_sample="Hi!", opt_in_image_urls=[]),
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "production_message_sample" in fields and "opt_in_image_urls" in fields
    assert not TollFreeVerification.objects.exists()


def test_only_the_tenants_toll_free_numbers(member_client, tenant, other_tenant, number):
    client = member_client()
    theirs = provision_toll_free(other_tenant).number
    response = client.post(URL, body(tenant, number, phone_number_id=str(theirs.pk)), format="json")
    assert response.status_code == 400
    assert "phone_number_id" in response.json()["error"]["fields"]
    response = client.post(
        URL,
        body(tenant, number, phone_number_id="00000000-0000-0000-0000-000000000000"),
        format="json",
    )
    assert response.status_code == 400


def test_a_rejected_version_is_resubmitted_by_patch(member_client, tenant, number):
    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Mismatch Roasters LLC")
    client = member_client()
    created = client.post(URL, body(tenant, number), format="json").json()
    rejected = drive_tollfree_in_sandbox(TollFreeVerification.objects.get(pk=created["id"]))
    detail = client.get(f"{URL}/{rejected.pk}").json()
    assert detail["status"] == "rejected" and detail["can_edit"] is True
    assert detail["reasons"][0]["code"] == 30445 and detail["edit_expiration"]
    assert "7-day window" in detail["timeline"][2]["next_action"]

    BusinessProfile.objects.filter(tenant=tenant).update(legal_name="Acme Roasters LLC")
    data = {**suggested_use_case(tenant), "edit_reason": "Name fixed"}
    response = client.patch(f"{URL}/{rejected.pk}", data, format="json")
    assert response.status_code == 200, response.json()
    second = response.json()
    assert second["version"] == 2 and second["id"] != created["id"]
    assert second["sid"] == rejected.sid
    assert client.patch(f"{URL}/{rejected.pk}", data, format="json").status_code == 409
    assert client.patch(f"{URL}/{second['id']}", data, format="json").status_code == 409


def test_viewers_read_but_only_owners_and_admins_submit(member_client, tenant):
    verification = TollFreeVerificationFactory(tenant=tenant)
    viewer = member_client(role=Membership.Role.VIEWER)
    assert viewer.get(f"{URL}/{verification.pk}").status_code == 200
    assert (
        viewer.post(
            URL, {"phone_number_id": str(verification.phone_number_id)}, format="json"
        ).status_code
        == 403
    )
    assert viewer.patch(f"{URL}/{verification.pk}", {}, format="json").status_code == 403
