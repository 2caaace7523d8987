"""Content templates through the gateway and the sandbox: the documented type keys on the
wire, the WhatsApp approval submitted and polled, errors translated."""

import pytest

from isvplatform.gateway import (
    NotFoundError,
    RejectedRequest,
    account_client,
    build_content_body,
    create_content,
    create_subaccount,
    delete_content,
    fetch_approval_status,
    fetch_content,
    list_contents_and_approvals,
    submit_whatsapp_approval,
)
from sandbox import clock
from sandbox.resources.content.models import Content as SandboxContent

pytestmark = pytest.mark.django_db

QUICK_REPLY = {
    "twilio/quick-reply": {
        "body": "Hello {{1}}, when should we deliver your parcel?",
        "actions": [
            {"type": "QUICK_REPLY", "title": "Today", "id": "today"},
            {"type": "QUICK_REPLY", "title": "Tomorrow", "id": "tomorrow"},
        ],
    }
}


@pytest.fixture
def client(settings):
    settings.TWILIO_MODE = "sandbox"
    settings.TWILIO_SANDBOX_URL = ""
    account = create_subaccount("content tenant")
    return account_client(account.sid, account.auth_token)


def test_create_posts_twilios_type_keys_and_reads_back(client):
    created = create_content(
        client,
        friendly_name="delivery_choice",
        language="en",
        types=QUICK_REPLY,
        variables={"1": "Ana"},
    )
    assert list(SandboxContent.objects.get(sid=created.sid).types) == ["twilio/quick-reply"]
    assert created.sid.startswith("HX")
    assert (created.friendly_name, created.language, created.variables) == (
        "delivery_choice",
        "en",
        {"1": "Ana"},
    )
    assert created.types == QUICK_REPLY
    assert fetch_content(client, created.sid) == created


def test_the_sdks_typed_spelling_never_leaves_the_gateway(client):
    with pytest.raises(ValueError, match="twilio_text"):
        create_content(client, language="en", types={"twilio_text": {"body": "Hi"}})
    assert build_content_body(language="en", types={"twilio/text": {"body": "Hi"}}) == {
        "language": "en",
        "types": {"twilio/text": {"body": "Hi"}},
    }


def test_an_invalid_content_is_a_rejected_request_naming_the_field(client):
    with pytest.raises(RejectedRequest) as err:
        create_content(client, language="en", types={"twilio/text": {"body": "x" * 1601}})
    assert err.value.status == 400
    assert "body" in str(err.value)


def test_submit_poll_list_and_delete(client):
    created = create_content(
        client, language="en", types=QUICK_REPLY, variables={"1": "Ana"}, friendly_name="d"
    )
    assert fetch_approval_status(client, created.sid).status == "unsubmitted"
    submitted = submit_whatsapp_approval(
        client, created.sid, name="delivery_choice", category="utility"
    )
    assert (submitted.status, submitted.category, submitted.content_type) == (
        "received",
        "UTILITY",
        "twilio/quick-reply",
    )
    clock.advance(60)
    approval = fetch_approval_status(client, created.sid)
    assert (approval.content_sid, approval.status, approval.name) == (
        created.sid,
        "approved",
        "delivery_choice",
    )
    other = create_content(client, language="en", types={"twilio/text": {"body": "Hi there"}})
    listed = list_contents_and_approvals(client, page_size=1)
    assert [c.sid for c in listed] == [other.sid, created.sid]
    assert [c.approval.status for c in listed] == ["unsubmitted", "approved"]
    delete_content(client, other.sid)
    with pytest.raises(NotFoundError):
        fetch_content(client, other.sid)


def test_a_rejection_reason_reaches_the_caller(client):
    created = create_content(
        client,
        language="en",
        types={"twilio/text": {"body": "{{1}}, your order has shipped today."}},
        variables={"1": "Ana"},
    )
    submit_whatsapp_approval(client, created.sid, name="order_shipped", category="UTILITY")
    clock.advance(60)
    approval = fetch_approval_status(client, created.sid)
    assert approval.status == "rejected"
    assert approval.rejection_reason.startswith("INVALID_FORMAT")
    with pytest.raises(ValueError):
        submit_whatsapp_approval(client, created.sid, name="x", category="PROMO")
