"""Portal pages of messaging: composer and live estimate, log, detail, inbox, opt-outs."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import ConsentEvent, Message, MessagingSettings, OptOut
from messaging.tests.conftest import HANDSET, advance
from messaging.tests.factories import ConversationFactory, MessageFactory, OptOutFactory
from tenants.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(member_client):
    return member_client(role=Membership.Role.OWNER)


@pytest.fixture
def viewer(member_client):
    return member_client(role=Membership.Role.VIEWER)


def test_compose_sends_and_shows_the_message(provisioned, owner, on_commit):
    page = owner.get("/messages/new/")
    assert page.status_code == 200
    assert provisioned.number.phone_number in page.content.decode()
    response = on_commit(
        owner.post, "/messages/new/", {"to": HANDSET, "channel": "sms", "body": "Hello there"}
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert response["Location"] == f"/messages/{message.pk}/"
    assert (message.origin, message.sid is not None) == ("portal", True)
    advance(5, rounds=4)
    detail = owner.get(response["Location"]).content.decode()
    assert "Delivered to the handset" in detail and "Raw webhook events" in detail


def test_compose_shows_refusals_beside_the_field(provisioned, owner):
    OptOutFactory(tenant=provisioned.tenant, number=HANDSET)
    page = owner.post("/messages/new/", {"to": HANDSET, "channel": "sms", "body": "Hi"})
    assert page.status_code == 200
    assert "opted out" in page.content.decode()
    assert not Message.objects.exists()


def test_the_live_estimate_marks_ucs2_characters(owner):
    page = owner.get(
        "/messages/estimate/", {"body": "Caf\u00e9 \u2615 ok", "channel": "sms"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    html = page.content.decode()
    assert "UCS-2" in html
    assert '<mark title="not in GSM-7">\u2615</mark>' in html


def test_viewers_can_look_but_not_send(provisioned, viewer):
    assert viewer.get("/messages/new/").status_code == 200
    assert viewer.get("/messages/estimate/", {"body": "x"}).status_code == 200
    assert viewer.post("/messages/new/", {"to": HANDSET, "body": "x"}).status_code == 403
    assert not Message.objects.exists()


def test_the_log_filters_and_pages_by_keyset(tenant, owner):
    for i in range(55):
        MessageFactory(tenant=tenant, body=f"bulk {i}")
    MessageFactory(tenant=tenant, body="needle", direction="inbound")
    first = owner.get("/messages/").content.decode()
    assert "needle" in first and "Older" in first
    cursor = first.split("after=")[1].split('"')[0]
    second = owner.get(f"/messages/?after={cursor}").content.decode()
    assert "bulk 0<" in second and "needle" not in second
    filtered = owner.get("/messages/", {"direction": "inbound"}).content.decode()
    assert "needle" in filtered and "bulk 1<" not in filtered


def test_the_log_exports_the_filtered_set(tenant, owner):
    MessageFactory(tenant=tenant, body="keep", status="failed", status_rank=40)
    MessageFactory(tenant=tenant, body="skip")
    response = owner.get("/messages/export.csv", {"status": "failed"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [r["body"] for r in rows] == ["keep"]


def test_inbox_thread_and_reply(provisioned, owner, on_commit):
    conversation = ConversationFactory(
        tenant=provisioned.tenant,
        contact_number=HANDSET,
        our_number=provisioned.number.phone_number,
        unread_count=1,
    )
    MessageFactory(
        tenant=provisioned.tenant, conversation=conversation, direction="inbound", body="Hi!"
    )
    inbox = owner.get("/conversations/").content.decode()
    assert HANDSET in inbox and 'hx-trigger="every 5s"' in inbox
    partial = owner.get("/conversations/?partial=1", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and HANDSET in partial

    thread = owner.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "Hi!" in thread
    conversation.refresh_from_db()
    assert conversation.unread_count == 0

    response = on_commit(owner.post, f"/conversations/{conversation.pk}/", {"body": "Hello!"})
    assert response.status_code == 302
    reply = Message.objects.get(origin="reply")
    assert (reply.to_number, reply.from_number) == (HANDSET, provisioned.number.phone_number)
    polled = owner.get(f"/conversations/{conversation.pk}/?partial=1", HTTP_HX_REQUEST="true")
    assert "Hello!" in polled.content.decode()


def test_optouts_page_add_remove_import_export(tenant, owner):
    assert owner.get("/opt-outs/").status_code == 200
    response = owner.post(
        "/opt-outs/", {"number": "+14155550123", "channel": "sms", "reason": "asked"}
    )
    assert response.status_code == 302
    optout = OptOut.objects.get()
    assert (optout.source, optout.reason) == ("manual", "asked")
    page = owner.get("/opt-outs/", {"q": "0123"}).content.decode()
    assert "+14155550123" in page

    owner.post(f"/opt-outs/{optout.pk}/remove/")
    assert not OptOut.objects.exists()
    upload = SimpleUploadedFile("x.csv", b"number\n+14155550124\n", content_type="text/csv")
    owner.post("/opt-outs/import/", {"file": upload})
    assert OptOut.objects.filter(number="+14155550124", source="import").exists()
    export = b"".join(owner.get("/opt-outs/export.csv").streaming_content).decode("utf-8-sig")
    assert "+14155550124" in export
    ledger = owner.get("/opt-outs/", {"ledger": "+14155550123"}).content.decode()
    assert "Opted in" in ledger and "Opted out" in ledger
    assert ConsentEvent.objects.count() == 3


def test_keyword_replies_are_saved_by_managers_only(tenant, owner, member_client):
    owner.post(
        "/opt-outs/replies/",
        {"opt_out_reply": "Bye from Acme", "opt_in_reply": "", "help_reply": "Call us"},
    )
    assert MessagingSettings.objects.get(tenant=tenant).opt_out_reply == "Bye from Acme"
    member = member_client(role=Membership.Role.MEMBER)
    response = member.post(
        "/opt-outs/replies/", {"opt_out_reply": "x", "opt_in_reply": "", "help_reply": ""}
    )
    assert response.status_code == 403
    assert MessagingSettings.objects.get(tenant=tenant).opt_out_reply == "Bye from Acme"


@pytest.mark.parametrize(
    "path",
    [
        "/messages/{message}/",
        "/conversations/{conversation}/",
        "/opt-outs/{optout}/remove/",
    ],
)
def test_another_tenants_pages_are_404(tenant, other_tenant, owner, path):
    theirs = {
        "message": MessageFactory(tenant=other_tenant).pk,
        "conversation": ConversationFactory(tenant=other_tenant).pk,
        "optout": OptOutFactory(tenant=other_tenant).pk,
    }
    url = path.format(**theirs)
    method = owner.post if url.endswith("remove/") else owner.get
    assert method(url).status_code == 404
    assert OptOut.objects.filter(pk=theirs["optout"]).exists()


def test_the_inbox_and_log_never_show_another_tenants_rows(tenant, other_tenant, owner):
    MessageFactory(tenant=other_tenant, body="secret of theirs")
    ConversationFactory(tenant=other_tenant, contact_number="+16285550999")
    OptOutFactory(tenant=other_tenant, number="+16285550998")
    assert "secret of theirs" not in owner.get("/messages/").content.decode()
    assert "+16285550999" not in owner.get("/conversations/").content.decode()
    assert "+16285550998" not in owner.get("/opt-outs/").content.decode()
