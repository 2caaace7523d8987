"""The messaging API: send with Idempotency-Key, estimate, logs, conversations, opt-outs."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import ConsentEvent, Conversation, Message, OptOut
from messaging.tests.conftest import HANDSET, advance, sandbox_messages_to
from messaging.tests.factories import ConversationFactory, MessageFactory, OptOutFactory
from tenants.models import Membership

pytestmark = pytest.mark.django_db


def post_send(client, on_commit, key=None, **data):
    payload = {"to": HANDSET, "body": "Your table is ready", **data}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return on_commit(client.post, "/api/v1/messages", payload, format="json", **headers)


def test_send_through_the_api_and_follow_the_status(provisioned, key_api, on_commit):
    response = post_send(key_api, on_commit)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["to"], body["segments"], body["encoding"]) == (
        "queued",
        HANDSET,
        1,
        "GSM-7",
    )
    advance(5, rounds=4)
    detail = key_api.get(f"/api/v1/messages/{body['id']}").json()
    assert detail["status"] == "delivered"
    assert {"sent", "delivered"} <= {e["status"] for e in detail["events"]}
    assert [t["status"] for t in detail["timeline"]][:2] == ["queued", "accepted"]


def test_idempotency_key_replays_and_conflicts(provisioned, key_api, on_commit):
    first = post_send(key_api, on_commit, key="order-42")
    again = post_send(key_api, on_commit, key="order-42")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Message.objects.count() == 1
    assert sandbox_messages_to(HANDSET).count() == 1

    conflict = post_send(key_api, on_commit, key="order-42", body="Something else")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    assert Message.objects.count() == 1


def test_a_failed_request_does_not_burn_its_key(provisioned, key_api, on_commit):
    bad = post_send(key_api, on_commit, key="k1", to="nope")
    assert bad.status_code == 400
    good = post_send(key_api, on_commit, key="k1")
    assert good.status_code == 201


def test_keys_are_per_tenant(provisioned, other_provisioned, key_api, on_commit):
    from rest_framework.test import APIClient

    from tenants.tests.factories import make_api_key

    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(other_provisioned.tenant)[1]}")
    assert post_send(key_api, on_commit, key="same").status_code == 201
    assert post_send(other, on_commit, key="same").status_code == 201
    assert Message.objects.count() == 2


def test_refusals_carry_a_reason_code(provisioned, key_api, on_commit):
    OptOutFactory(tenant=provisioned.tenant, number=HANDSET)
    response = post_send(key_api, on_commit)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "recipient_opted_out"
    assert "START" in error["message"]
    assert "to" in error["fields"]
    assert sandbox_messages_to(HANDSET).count() == 0


def test_validation_errors_name_the_field(provisioned, key_api, on_commit):
    response = post_send(key_api, on_commit, body="x" * 1601)
    assert response.status_code == 400
    assert "body" in response.json()["error"]["fields"]


def test_viewers_read_but_cannot_send(provisioned, member_client, on_commit):
    viewer = member_client(role=Membership.Role.VIEWER)
    assert post_send(viewer, on_commit).status_code == 403
    assert viewer.get("/api/v1/messages").status_code == 200
    estimate = viewer.post("/api/v1/messages/estimate", {"body": "hi"}, format="json")
    assert estimate.status_code == 200


def test_estimate(key_api):
    response = key_api.post(
        "/api/v1/messages/estimate",
        {"body": "Olá ☕ " * 20, "to": "+14155550123"},
        format="json",
    )
    data = response.json()
    assert (data["encoding"], data["segments"]) == ("UCS-2", 2)
    assert "☕" in {c["char"] for c in data["unicode_characters"]}
    assert data["estimated_price"] == "0.0166"


def test_the_log_filters(tenant, key_api):
    MessageFactory(tenant=tenant, direction="inbound", from_number="+16285550001", body="hello")
    MessageFactory(tenant=tenant, status="failed", status_rank=40, body="bye")
    MessageFactory(tenant=tenant, channel="whatsapp", body="hola")

    def ids(query):
        return {m["body"] for m in key_api.get(f"/api/v1/messages?{query}").json()["results"]}

    assert ids("direction=inbound") == {"hello"}
    assert ids("status=failed") == {"bye"}
    assert ids("channel=whatsapp") == {"hola"}
    assert ids("number=%2B16285550001") == {"hello"}
    assert ids("q=HOL") == {"hola"}
    assert ids("date_from=2000-01-01&date_to=2000-01-02") == set()


def test_the_log_is_keyset_paginated(tenant, key_api):
    for _ in range(5):
        MessageFactory(tenant=tenant)
    seen, url = [], "/api/v1/messages?page_size=2"
    while url:
        page = key_api.get(url).json()
        seen += [m["id"] for m in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 5


def test_message_export_is_streamed_csv(tenant, key_api):
    MessageFactory(tenant=tenant, body="=HYPERLINK(1)")
    MessageFactory(tenant=tenant, body="plain")
    response = key_api.get("/api/v1/messages/export")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "id" and len(rows) == 3
    assert "'=HYPERLINK(1)" in [r[-1] for r in rows]


def test_conversations_list_thread_and_reply(provisioned, key_api, on_commit):
    conversation = ConversationFactory(
        tenant=provisioned.tenant,
        contact_number=HANDSET,
        our_number=provisioned.number.phone_number,
        unread_count=2,
    )
    MessageFactory(tenant=provisioned.tenant, conversation=conversation, direction="inbound")
    listed = key_api.get("/api/v1/conversations").json()["results"]
    assert [c["id"] for c in listed] == [str(conversation.pk)]
    assert listed[0]["unread_count"] == 2

    reply = on_commit(
        key_api.post,
        f"/api/v1/conversations/{conversation.pk}/messages",
        {"body": "On our way!"},
        format="json",
    )
    assert reply.status_code == 201, reply.content
    assert reply.json()["from"] == provisioned.number.phone_number
    thread = key_api.get(f"/api/v1/conversations/{conversation.pk}/messages").json()["results"]
    assert thread[0]["body"] == "On our way!" and len(thread) == 2
    assert sandbox_messages_to(HANDSET).count() == 1

    read = key_api.post(f"/api/v1/conversations/{conversation.pk}/read")
    assert read.json()["unread_count"] == 0


def test_optouts_add_list_remove_and_the_ledger(tenant, key_api):
    created = key_api.post(
        "/api/v1/opt-outs", {"number": "(415) 555-0123", "reason": "asked by phone"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["number"] == "+14155550123"
    assert key_api.post("/api/v1/opt-outs", {"number": "+14155550123"}).status_code == 200
    listed = key_api.get("/api/v1/opt-outs?q=555").json()["results"]
    assert [o["number"] for o in listed] == ["+14155550123"]
    optout_id = created.json()["id"]
    assert key_api.delete(f"/api/v1/opt-outs/{optout_id}").status_code == 204
    assert not OptOut.objects.exists()
    ledger = key_api.get("/api/v1/consent-events?number=%2B14155550123").json()["results"]
    assert [e["action"] for e in ledger] == ["opt_in", "opt_out"]


def test_optouts_import_and_export(tenant, key_api):
    upload = SimpleUploadedFile(
        "list.csv",
        b"number,channel,reason\n+14155550123,sms,old list\nnot-a-number,sms,\n"
        b"+14155550124,whatsapp,\n+14155550123,sms,dup\n",
        content_type="text/csv",
    )
    result = key_api.post("/api/v1/opt-outs/import", {"file": upload}, format="multipart").json()
    assert (result["added"], result["already"]) == (2, 1)
    assert result["errors"][0]["line"] == 3
    assert ConsentEvent.objects.filter(tenant=tenant, source="import").count() == 2

    response = key_api.get("/api/v1/opt-outs/export")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(r["number"], r["channel"]) for r in rows} == {
        ("+14155550123", "sms"),
        ("+14155550124", "whatsapp"),
    }


def test_a_plain_list_of_numbers_imports_too(tenant, key_api):
    upload = SimpleUploadedFile("n.csv", b"+14155550123\n+14155550125\n", content_type="text/csv")
    result = key_api.post("/api/v1/opt-outs/import", {"file": upload}, format="multipart").json()
    assert result["added"] == 2


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/messages/{message}",
        "/api/v1/conversations/{conversation}",
        "/api/v1/conversations/{conversation}/messages",
        "/api/v1/opt-outs/{optout}",
    ],
)
def test_another_tenants_objects_are_404(tenant, other_tenant, key_api, path):
    theirs = {
        "message": MessageFactory(tenant=other_tenant).pk,
        "conversation": ConversationFactory(tenant=other_tenant).pk,
        "optout": OptOutFactory(tenant=other_tenant).pk,
    }
    url = path.format(**theirs)
    assert key_api.get(url).status_code == 404
    if "messages" in url and "conversations" in url:
        assert key_api.post(url, {"body": "hi"}, format="json").status_code == 404
    if "opt-outs" in url:
        assert key_api.delete(url).status_code == 404
        assert OptOut.objects.filter(pk=theirs["optout"]).exists()
    assert Conversation.objects.filter(pk=theirs["conversation"]).exists()


def test_lists_never_show_another_tenants_rows(tenant, other_tenant, key_api):
    MessageFactory(tenant=other_tenant)
    ConversationFactory(tenant=other_tenant)
    OptOutFactory(tenant=other_tenant)
    for url in ("/api/v1/messages", "/api/v1/conversations", "/api/v1/opt-outs"):
        assert key_api.get(url).json()["results"] == [], url
    export = b"".join(key_api.get("/api/v1/opt-outs/export").streaming_content)
    assert export.decode("utf-8-sig").count("\n") == 1
