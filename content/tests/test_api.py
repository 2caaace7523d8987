"""The templates API: CRUD, 409 on an approved one, submit to approval, status, preview,
duplicate, sync, and other tenants' templates answering 404."""

import pytest

from content.models import MessageTemplate
from content.tests.factories import ApprovedTemplateFactory, MessageTemplateFactory
from content.vocab import ApprovalStatus
from tenants.models import Membership

BODY = {
    "name": "order_update",
    "category": "UTILITY",
    "content_type": "twilio/text",
    "body": "Hello {{1}}, your order {{2}} has shipped and arrives tomorrow.",
    "variables": {"1": "Ana", "2": "A-1042"},
}


@pytest.fixture
def client(member_client):
    return member_client()


def test_create_list_retrieve_update_delete(client, tenant):
    created = client.post("/api/v1/templates", BODY, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["status"], data["version"], data["findings"]) == ("draft", 1, [])
    listed = client.get("/api/v1/templates?status=draft&q=order").json()
    assert [t["id"] for t in listed["results"]] == [data["id"]]
    patched = client.patch(f"/api/v1/templates/{data['id']}", {"body": "{{1}} hi"}, format="json")
    assert patched.status_code == 200
    codes = {f["code"] for f in patched.json()["findings"]}
    assert {"variable_edge", "sample_unused", "too_generic"} <= codes
    assert client.delete(f"/api/v1/templates/{data['id']}").status_code == 204
    assert not MessageTemplate.objects.filter(pk=data["id"]).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "x" * 513}, "name"),
        ({"category": "PROMO"}, "category"),
        ({"content_type": "twilio/location"}, "content_type"),
        ({"variables": {"first name": "Ana"}}, "variables"),
        ({"buttons": [{"type": "WEB"}]}, "buttons"),
        ({"code_expiration_minutes": 91}, "code_expiration_minutes"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, change, field):
    answer = client.post("/api/v1/templates", {**BODY, **change}, format="json")
    assert answer.status_code == 400
    assert any(name.startswith(field) for name in answer.json()["error"]["fields"])


def test_an_approved_template_answers_409_on_change(client, tenant):
    approved = ApprovedTemplateFactory(tenant=tenant)
    url = f"/api/v1/templates/{approved.pk}"
    answer = client.patch(url, {"body": "Changed {{1}} text here"}, format="json")
    assert answer.status_code == 409
    assert "duplicate it as a new version" in answer.json()["error"]["message"]
    assert client.delete(url).status_code == 409
    assert client.post(f"{url}/submit").status_code == 409
    copy = client.post(f"{url}/duplicate")
    assert copy.status_code == 201
    assert (copy.json()["version"], copy.json()["previous_id"]) == (2, str(approved.pk))
    assert client.post(f"{url}/duplicate").status_code == 409


def test_submit_runs_the_lint_first(client, tenant):
    broken = MessageTemplateFactory(tenant=tenant, name="Bad Name")
    answer = client.post(f"/api/v1/templates/{broken.pk}/submit")
    assert answer.status_code == 400
    assert "name" in answer.json()["error"]["fields"]


def test_submit_status_and_preview_through_the_sandbox(
    member_client, provisioned, advance, django_capture_on_commit_callbacks
):
    client = member_client(for_tenant=provisioned.tenant)
    template = client.post("/api/v1/templates", BODY, format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(f"/api/v1/templates/{template['id']}/submit")
    assert submitted.status_code == 202
    status = client.get(f"/api/v1/templates/{template['id']}/status").json()
    assert status["status"] == "received" and status["content_sid"].startswith("HX")
    preview = client.post(
        f"/api/v1/templates/{template['id']}/preview", {"variables": {"1": "Bo"}}, format="json"
    )
    assert preview.json()["text"] == "Hello Bo, your order A-1042 has shipped and arrives tomorrow."
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/v1/templates/sync").status_code == 202


def test_viewers_read_but_do_not_write(member_client, tenant):
    viewer = member_client(role=Membership.Role.VIEWER)
    template = MessageTemplateFactory(tenant=tenant)
    assert viewer.get(f"/api/v1/templates/{template.pk}").status_code == 200
    assert viewer.post("/api/v1/templates", BODY, format="json").status_code == 403
    assert viewer.post(f"/api/v1/templates/{template.pk}/submit").status_code == 403


def test_other_tenants_templates_answer_404(client, other_tenant):
    theirs = ApprovedTemplateFactory(tenant=other_tenant)
    base = f"/api/v1/templates/{theirs.pk}"
    assert client.get(base).status_code == 404
    assert client.patch(base, {"body": "x"}, format="json").status_code == 404
    assert client.delete(base).status_code == 404
    for action in ("submit", "duplicate", "preview"):
        assert client.post(f"{base}/{action}", {}, format="json").status_code == 404
    assert client.get(f"{base}/status").status_code == 404
    assert client.get("/api/v1/templates").json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.status == ApprovalStatus.APPROVED
