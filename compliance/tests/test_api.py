"""The /api/v1/10dlc endpoints: form, submit, status, registrations (and drafts)."""

import pytest

from compliance.models import Registration
from compliance.testing import valid_submission
from tenants.models import Membership

pytestmark = pytest.mark.django_db


def test_the_form_is_prefilled_from_the_business_profile(member_client, tenant):
    profile = tenant.profile
    profile.legal_name, profile.website, profile.industry = (
        "Acme Goods LLC",
        "https://a.io",
        "retail",
    )
    profile.registration_number, profile.owner_first_name = "12-3456789", "Dana"
    profile.save()
    body = member_client(role=Membership.Role.VIEWER).get("/api/v1/10dlc/form").json()
    data = body["data"]
    assert data["legal_name"] == "Acme Goods LLC"
    assert data["ein"] == "12-3456789" and data["rep_first_name"] == "Dana"
    assert data["industry"] == "RETAIL" and data["website"] == "https://a.io"
    assert data["brand_type"] == "STANDARD"
    assert any("STOP" in s for s in data["sample_messages"])
    assert "MARKETING" in [c["value"] for c in body["choices"]["use_case"]]
    assert body["use_cases_by_brand_type"]["SOLE_PROPRIETOR"] == ["SOLE_PROPRIETOR"]
    assert len(body["rules"]) >= 10 and body["current_vs_approved"] == []


def test_a_submission_failing_pre_flight_answers_400_with_each_field(member_client):
    client = member_client()
    data = valid_submission(
        ein="12-34",
        sample_messages=["Hello there, your order is ready!", "Acme Coffee: STOP to end."],
    )
    response = client.post("/api/v1/10dlc/submit", data, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "ein" in fields and "sample_messages.0" in fields
    assert "Name the brand" in fields["sample_messages.0"][0]
    assert not Registration.objects.exists()


def test_submit_starts_version_1_and_a_second_submit_waits(member_client, tenant):
    client = member_client()
    response = client.post("/api/v1/10dlc/submit", valid_submission(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["version"], body["status"]) == (1, "submitted")
    assert [s["step"] for s in body["timeline"]] == [
        "customer_profile",
        "trust_product",
        "brand",
        "messaging_service",
        "campaign",
    ]
    tenant.profile.refresh_from_db()
    assert tenant.profile.legal_name == "Acme Coffee Roasters LLC"  # saved to the profile

    again = client.post("/api/v1/10dlc/submit", valid_submission(), format="json")
    assert again.status_code == 409
    assert "being reviewed" in again.json()["error"]["message"]

    status = client.get("/api/v1/10dlc/status").json()
    assert status["current"]["version"] == 1 and status["active"] is None
    assert status["can_send"] is False
    listed = client.get("/api/v1/10dlc/registrations").json()["results"]
    assert [r["id"] for r in listed] == [body["id"]]


def test_only_owners_and_admins_submit(member_client):
    for role in (Membership.Role.MEMBER, Membership.Role.VIEWER):
        response = member_client(role=role).post(
            "/api/v1/10dlc/submit", valid_submission(), format="json"
        )
        assert response.status_code == 403
    assert not Registration.objects.exists()


def test_a_draft_can_be_saved_changed_and_submitted(member_client):
    client = member_client(role=Membership.Role.ADMIN)
    draft = client.post(
        "/api/v1/10dlc/submit", {**valid_submission(ein=""), "draft": True}, format="json"
    )
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    url = f"/api/v1/10dlc/registrations/{draft.json()['id']}"

    refused = client.post(f"{url}/submit")
    assert refused.status_code == 400 and "ein" in refused.json()["error"]["fields"]

    changed = client.patch(url, {"ein": "98-7654321"}, format="json")
    assert changed.status_code == 200 and changed.json()["snapshot"]["ein"] == "98-7654321"
    submitted = client.post(f"{url}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert client.patch(url, {"ein": "11-1111111"}, format="json").status_code == 409


def test_a_use_case_longer_than_its_column_is_a_400_naming_it(member_client):
    client = member_client(role=Membership.Role.ADMIN)
    draft = client.post(
        "/api/v1/10dlc/submit", {**valid_submission(), "draft": True}, format="json"
    )
    url = f"/api/v1/10dlc/registrations/{draft.json()['id']}"
    longest = Registration._meta.get_field("use_case").max_length
    response = client.patch(url, {"use_case": "X" * (longest + 1)}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["use_case"]
    assert Registration.objects.get().use_case == valid_submission()["use_case"]
