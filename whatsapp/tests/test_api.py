"""The senders API: create (Meta's rules as 400s naming the field), verify, resend, fetch,
list; other tenants' senders answer 404."""

import pytest

from tenants.models import Membership
from whatsapp.models import SenderStatus, WhatsAppSender
from whatsapp.services import poll_sender
from whatsapp.tests.conftest import PROFILE, advance, code_sent_to
from whatsapp.tests.factories import WhatsAppSenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(member_client, provisioned, django_capture_on_commit_callbacks):
    return member_client(role=Membership.Role.OWNER, for_tenant=provisioned.tenant)


def create(client, provisioned, **overrides):
    body = {**PROFILE, "waba_id": "123456789012", "phone_number_id": str(provisioned.number.pk)}
    return client.post("/api/v1/whatsapp/senders", {**body, **overrides}, format="json")


def test_create_verify_and_fetch(client, provisioned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = create(client, provisioned)
    assert created.status_code == 201, created.content
    sender_id = created.json()["id"]
    assert created.json()["status"] == SenderStatus.SUBMITTING
    advance(5)
    sender = WhatsAppSender.objects.get(pk=sender_id)
    assert sender.status == SenderStatus.CREATING
    poll_sender(sender_id, force=True)
    with django_capture_on_commit_callbacks(execute=True):
        wrong = client.post(
            f"/api/v1/whatsapp/senders/{sender_id}/verify", {"code": "999999"}, format="json"
        )
    assert wrong.status_code == 202
    fetched = client.get(f"/api/v1/whatsapp/senders/{sender_id}").json()
    assert fetched["status"] == SenderStatus.PENDING_VERIFICATION
    assert "does not match" in fetched["last_error_message"]
    code = code_sent_to(provisioned.number.phone_number)
    with django_capture_on_commit_callbacks(execute=True):
        right = client.post(
            f"/api/v1/whatsapp/senders/{sender_id}/verify", {"code": code}, format="json"
        )
    assert right.status_code == 202
    fetched = client.get(f"/api/v1/whatsapp/senders/{sender_id}").json()
    assert fetched["status"] == SenderStatus.VERIFYING and fetched["last_error_message"] == ""
    listed = client.get("/api/v1/whatsapp/senders").json()["results"]
    assert [s["id"] for s in listed] == [sender_id]
    assert [e["to_status"] for e in listed[0]["timeline"]][-1] == SenderStatus.VERIFYING


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"display_name": "WhatsApp Coffee"}, "display_name"),
        ({"about": "x" * 140}, "about"),
        ({"vertical": "Crypto"}, "vertical"),
        (
            {"websites": ["https://a.example.com", "https://b.example.com", "https://c.com"]},
            "websites",
        ),
        ({"waba_id": "abc"}, "waba_id"),
        ({"email": "nope"}, "email"),
    ],
)
def test_meta_rules_answer_400_naming_the_field(client, provisioned, overrides, field):
    response = create(client, provisioned, **overrides)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not WhatsAppSender.objects.exists()


def test_a_number_of_another_tenant_is_refused(client, provisioned, other_tenant):
    from provisioning.tests.factories import PhoneNumberFactory

    theirs = PhoneNumberFactory(tenant=other_tenant)
    response = create(client, provisioned, phone_number_id=str(theirs.pk))
    assert response.status_code == 400
    assert "phone_number" in response.json()["error"]["fields"]


def test_verify_out_of_turn_is_409_and_other_tenants_senders_are_404(
    client, provisioned, other_tenant
):
    mine = WhatsAppSenderFactory(tenant=provisioned.tenant, status=SenderStatus.ONLINE)
    response = client.post(f"/api/v1/whatsapp/senders/{mine.pk}/verify", {"code": "123456"})
    assert response.status_code == 409
    theirs = WhatsAppSenderFactory(tenant=other_tenant)
    for url in (
        f"/api/v1/whatsapp/senders/{theirs.pk}",
        f"/api/v1/whatsapp/senders/{theirs.pk}/verify",
    ):
        method = client.get if url.endswith(str(theirs.pk)) else client.post
        assert method(url).status_code == 404


def test_viewers_cannot_create(member_client, provisioned):
    viewer = member_client(role=Membership.Role.VIEWER, for_tenant=provisioned.tenant)
    assert create(viewer, provisioned).status_code == 403
