import pytest
from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastRecipient
from broadcasts.tests.factories import BroadcastFactory
from contacts.tests.factories import AudienceFactory, ContactFieldFactory
from tenants.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(member_client):
    return member_client()


def _create(client, audience, **overrides):
    body = {
        "name": "Spring sale",
        "audience": str(audience.pk),
        "body": "Hi {{first_name|there}}, 20% off. Reply STOP to opt out.",
        **overrides,
    }
    return client.post("/api/v1/broadcasts", body, format="json")


def test_create_send_pause_resume_cancel(client, tenant, audience_of, consented):
    audience = audience_of(consented(3))
    created = _create(client, audience)
    assert created.status_code == 201, created.json()
    broadcast_id = created.json()["id"]
    assert created.json()["status"] == "draft"

    sent = client.post(f"/api/v1/broadcasts/{broadcast_id}/send")
    assert sent.status_code == 200 and sent.json()["status"] == "sending"
    assert sent.json()["total"] == 3
    again = client.post(f"/api/v1/broadcasts/{broadcast_id}/send")
    assert again.status_code == 200 and again.json()["id"] == broadcast_id
    assert BroadcastRecipient.objects.filter(broadcast_id=broadcast_id).count() == 3

    assert client.post(f"/api/v1/broadcasts/{broadcast_id}/pause").json()["status"] == "paused"
    conflict = client.post(f"/api/v1/broadcasts/{broadcast_id}/pause")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    assert "paused broadcast can't be paused" in conflict.json()["error"]["message"]
    assert client.post(f"/api/v1/broadcasts/{broadcast_id}/resume").json()["status"] == "sending"
    assert client.post(f"/api/v1/broadcasts/{broadcast_id}/cancel").json()["status"] == "cancelled"
    assert client.post(f"/api/v1/broadcasts/{broadcast_id}/send").status_code == 409

    progress = client.get(f"/api/v1/broadcasts/{broadcast_id}/status").json()
    assert progress["status"] == "cancelled" and progress["total"] == 3
    recipients = client.get(f"/api/v1/broadcasts/{broadcast_id}/recipients?status=cancelled")
    assert len(recipients.json()["results"]) == 3


def test_unknown_variable_names_body(client, tenant, audience_of):
    ContactFieldFactory(tenant=tenant, key="city")
    audience = audience_of([])
    ok = _create(client, audience, body="Hi {{first_name}} from {{city}}")
    assert ok.status_code == 201
    bad = _create(client, audience, name="Other", body="Hi {{nickname}}")
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["body"]
    assert "{{nickname}}" in bad.json()["error"]["fields"]["body"][0]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "x" * 1601}, "body"),
        ({"channel": "fax"}, "channel"),
        ({"channel": "email"}, "from_number"),
        ({"channel": "email", "from_number": "a@b.example"}, "from_number"),
        ({"subject": "Hi"}, "subject"),
        ({"purpose": "spam"}, "purpose"),
        ({"from_number": "+15005550006"}, "from_number"),
        ({"messaging_service": "MG" + "0" * 32}, "messaging_service"),
        ({"scheduled_at": "2001-01-01T00:00:00Z"}, "scheduled_at"),
        ({"scheduled_at": "not a date"}, "scheduled_at"),
        ({"channel": "whatsapp", "body": ""}, "template"),
        ({"template": "00000000-0000-0000-0000-000000000000"}, "template"),
        ({"name": "a\x00b"}, "name"),
    ],
)
def test_validation_names_the_field(client, audience_of, overrides, field):
    response = _create(client, audience_of([]), **overrides)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]


def test_another_tenants_audience_and_broadcast_are_not_found(client, other_tenant):
    stranger_audience = AudienceFactory(tenant=other_tenant)
    response = _create(client, stranger_audience)
    assert response.status_code == 400
    assert "audience" in response.json()["error"]["fields"]

    theirs = BroadcastFactory(tenant=other_tenant)
    for path in ("", "/status", "/preview", "/recipients"):
        assert client.get(f"/api/v1/broadcasts/{theirs.pk}{path}").status_code == 404
    for action in ("send", "pause", "resume", "cancel"):
        assert client.post(f"/api/v1/broadcasts/{theirs.pk}/{action}").status_code == 404
    assert client.delete(f"/api/v1/broadcasts/{theirs.pk}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft"
    assert client.get("/api/v1/broadcasts").json()["results"] == []


def test_edit_only_before_sending_and_delete_only_drafts(client, tenant, audience_of, consented):
    broadcast = BroadcastFactory(tenant=tenant, audience=audience_of(consented(1)))
    url = f"/api/v1/broadcasts/{broadcast.pk}"
    later = (timezone.now() + timezone.timedelta(days=1)).isoformat()
    edited = client.patch(
        url, {"body": "New text {{last_name}}", "scheduled_at": later}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["body"] == "New text {{last_name}}"
    assert client.post(f"{url}/send").json()["status"] == "scheduled"
    back = client.patch(url, {"scheduled_at": None}, format="json")
    assert back.json()["status"] == "draft"
    client.post(f"{url}/send")
    assert client.patch(url, {"body": "Too late"}, format="json").status_code == 409
    assert client.delete(url).status_code == 409

    draft = BroadcastFactory(tenant=tenant)
    assert client.delete(f"/api/v1/broadcasts/{draft.pk}").status_code == 204
    assert not Broadcast.objects.filter(pk=draft.pk).exists()


def test_list_filters_by_status(client, tenant):
    BroadcastFactory(tenant=tenant)
    BroadcastFactory(tenant=tenant, status="completed")
    listed = client.get("/api/v1/broadcasts?status=completed").json()["results"]
    assert [b["status"] for b in listed] == ["completed"]


def test_preview_renders_per_recipient(client, tenant, audience_of, consented):
    contacts = consented(2)
    contacts[1].first_name = ""
    contacts[1].save()
    broadcast = BroadcastFactory(
        tenant=tenant, audience=audience_of(contacts), body="Hi {{first_name|there}}!"
    )
    preview = client.get(f"/api/v1/broadcasts/{broadcast.pk}/preview").json()
    assert preview["audience_size"] == 2
    assert sorted(r["text"] for r in preview["recipients"]) == sorted(
        [f"Hi {contacts[0].first_name}!", "Hi there!"]
    )


def test_settings(member_client, tenant):
    owner = member_client()
    assert owner.get("/api/v1/broadcasts/settings").json() == {
        "opt_out_pause_rate": "0.0200",
        "filtering_pause_rate": "0.0500",
        "min_sample": 50,
    }
    changed = owner.patch(
        "/api/v1/broadcasts/settings", {"opt_out_pause_rate": "0.01"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["opt_out_pause_rate"] == "0.0100"
    assert (
        owner.patch("/api/v1/broadcasts/settings", {"min_sample": 0}, format="json").status_code
        == 400
    )
    member = member_client(role=Membership.Role.MEMBER)
    assert (
        member.patch("/api/v1/broadcasts/settings", {"min_sample": 5}, format="json").status_code
        == 403
    )


def test_whatsapp_needs_an_approved_template_and_its_variables(client, tenant, audience_of):
    from content.tests.factories import ApprovedTemplateFactory, MessageTemplateFactory

    audience = audience_of([])
    approved = ApprovedTemplateFactory(tenant=tenant)
    variables = {"1": "{{first_name|there}}", "2": "{{phone}}"}
    ok = _create(
        client,
        audience,
        channel="whatsapp",
        body="",
        template=str(approved.pk),
        template_variables=variables,
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["template"] == str(approved.pk)
    assert ok.json()["template_variables"] == variables

    missing = _create(
        client,
        audience,
        name="B",
        channel="whatsapp",
        body="",
        template=str(approved.pk),
        template_variables={"1": "{{first_name}}"},
    )
    assert missing.status_code == 400
    assert "{{2}}" in missing.json()["error"]["fields"]["template_variables"][0]

    unknown = _create(
        client,
        audience,
        name="C",
        channel="whatsapp",
        body="",
        template=str(approved.pk),
        template_variables={"1": "{{x}}", "2": "y"},
    )
    assert list(unknown.json()["error"]["fields"]) == ["template_variables"]

    draft = MessageTemplateFactory(tenant=tenant)
    refused = _create(
        client,
        audience,
        name="D",
        channel="whatsapp",
        body="",
        template=str(draft.pk),
        template_variables=variables,
    )
    assert refused.status_code == 400 and "template" in refused.json()["error"]["fields"]

    theirs = ApprovedTemplateFactory()
    foreign = _create(
        client,
        audience,
        name="E",
        channel="whatsapp",
        body="",
        template=str(theirs.pk),
        template_variables=variables,
    )
    assert foreign.status_code == 400 and "template" in foreign.json()["error"]["fields"]
