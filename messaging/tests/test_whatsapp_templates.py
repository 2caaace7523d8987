"""WhatsApp template sends: by template id with variables (API, composer, reply box), the
24-hour window, paused/disabled/unapproved templates, 63016 from Twilio, quick-reply taps and
read receipts in the thread."""

import pytest
from django.test import Client

from content.tests.factories import ApprovedTemplateFactory
from content.vocab import ApprovalStatus
from messaging.models import Conversation, Message
from messaging.services import message_send
from messaging.tests.conftest import HANDSET, advance, sandbox_messages_to, signed_post
from messaging.tests.factories import ConversationFactory, MessageFactory
from sandbox.handsets import messages_received, read_messages, send_from_handset, tap_button
from sandbox.resources.content.tests.contract import create_content, submit
from sandbox.services import enable_whatsapp
from sandbox.testing import authenticated_calls, sdk_client
from tenants.models import Membership
from tenants.services import Actor

pytestmark = pytest.mark.django_db
BODY = "Hi {{1}}, your order {{2}} has shipped and arrives tomorrow."
QUICK_REPLY = {
    "friendly_name": "delivery_choice",
    "language": "en",
    "variables": {"1": "Ana"},
    "types": {
        "twilio/quick-reply": {
            "body": "Hello {{1}}, when should we deliver your parcel?",
            "actions": [
                {"type": "QUICK_REPLY", "title": "Today", "id": "deliver_today"},
                {"type": "QUICK_REPLY", "title": "Tomorrow", "id": "deliver_tomorrow"},
            ],
        }
    },
}


@pytest.fixture
def whatsapp(provisioned):
    """The provisioned tenant's number enabled for WhatsApp, on both sides."""
    enable_whatsapp(provisioned.number.phone_number)
    provisioned.number.whatsapp_enabled = True
    provisioned.number.save(update_fields=["whatsapp_enabled"])
    return provisioned


def approved_in_sandbox(provisioned, data: dict | None = None, **fields):
    """A template approved by the sandbox's review, and the platform's row of it."""
    client = sdk_client(provisioned.sub.sid, provisioned.token)
    data = data or {
        "friendly_name": "order_update",
        "language": "en",
        "variables": {"1": "Ana", "2": "#1042"},
        "types": {"twilio/text": {"body": BODY}},
    }
    content = create_content(client, data)
    submit(client, content.sid, data["friendly_name"])
    advance(60)
    kind, spec = next(iter(data["types"].items()))
    buttons = [
        {"type": a["type"], "title": a["title"], "id": a["id"]} for a in spec.get("actions", [])
    ]
    return ApprovedTemplateFactory(
        tenant=provisioned.tenant,
        name=data["friendly_name"],
        content_type=kind,
        body=spec["body"],
        buttons=buttons,
        variables=data["variables"],
        content_sid=content.sid,
        **fields,
    )


@pytest.fixture
def api(tenant, member_client):
    return member_client(role=Membership.Role.OWNER)


def send_template(api, template, variables, **extra):
    payload = {"to": HANDSET, "channel": "whatsapp", "template": str(template.pk)}
    payload["variables"] = variables
    return api.post("/api/v1/messages", {**payload, **extra}, format="json")


# --- sending a template -------------------------------------------------------------------


def test_a_template_with_variables_goes_end_to_end_outside_the_window(
    whatsapp, api, django_capture_on_commit_callbacks
):
    template = approved_in_sandbox(whatsapp)
    with django_capture_on_commit_callbacks(execute=True):
        response = send_template(api, template, {"1": "Ana", "2": "#1042"})
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["template_id"], data["template_name"]) == (str(template.pk), "order_update")
    assert data["content_sid"] == template.content_sid and data["body"] == ""
    advance(5, rounds=4)
    message = Message.objects.get(pk=data["id"])
    assert message.template_id == template.pk
    assert message.status in ("delivered", "read"), message.error_message
    [sent] = sandbox_messages_to(HANDSET)
    assert sent.content_sid == template.content_sid
    assert '"2": "#1042"' in sent.content_variables or "#1042" in str(sent.content_variables)


def test_every_variable_must_be_given_and_named_in_the_error(whatsapp, api):
    template = approved_in_sandbox(whatsapp)
    with authenticated_calls() as calls:
        response = send_template(api, template, {"1": "Ana"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "{{2}}" in " ".join(error["fields"]["variables"])
    assert not [c for c in calls if "Messages" in c.path]
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "variables, field, words",
    [
        ({"1": "Ana", "2": "x", "3": "extra"}, "variables", "not in template"),
        ({"1": "Ana", "2": "x" * 1601}, "variables.2", "1600"),
        ({"1": "Ana", "2": "   "}, "variables", "needs a value"),
        ({"1": "A" * 1000, "2": "x"}, "variables", "1024"),
    ],
    ids=["unknown", "too long", "blank", "body over 1024"],
)
def test_variables_are_validated_per_twilio_and_meta(whatsapp, api, variables, field, words):
    template = ApprovedTemplateFactory(tenant=whatsapp.tenant, body=BODY)
    response = send_template(api, template, variables)
    assert response.status_code == 400
    messages = " ".join(response.json()["error"]["fields"][field])
    assert words in messages.replace(",", "")


@pytest.mark.parametrize(
    "status, code, words",
    [
        (ApprovalStatus.PAUSED, "template_paused", "paused"),
        (ApprovalStatus.DISABLED, "template_disabled", "disabled"),
        (ApprovalStatus.PENDING, "template_not_approved", "in review"),
        (ApprovalStatus.REJECTED, "template_not_approved", "rejected"),
    ],
)
def test_a_template_meta_would_not_deliver_is_refused_with_the_reason(
    whatsapp, api, status, code, words
):
    template = ApprovedTemplateFactory(tenant=whatsapp.tenant, body=BODY, status=status)
    with authenticated_calls() as calls:
        response = send_template(api, template, {"1": "Ana", "2": "#1"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and words in error["message"]
    assert template.name in error["fields"]["template"][0]
    assert not [c for c in calls if "Messages" in c.path]


def test_a_paused_template_named_by_content_sid_is_refused_too(whatsapp):
    template = ApprovedTemplateFactory(
        tenant=whatsapp.tenant, body=BODY, status=ApprovalStatus.PAUSED
    )
    with pytest.raises(Exception) as err:
        message_send(
            tenant=whatsapp.tenant, to=HANDSET, channel="whatsapp",
            content_sid=template.content_sid, content_variables={"1": "A", "2": "B"},
            actor=Actor.system(),
        )  # fmt: skip
    assert err.value.reason == "template_paused"


def test_a_known_content_sid_records_its_template(whatsapp):
    template = ApprovedTemplateFactory(tenant=whatsapp.tenant, body=BODY)
    message = message_send(
        tenant=whatsapp.tenant, to=HANDSET, channel="whatsapp",
        content_sid=template.content_sid, content_variables={"1": "Ana", "2": "#7"},
        actor=Actor.system(),
    )  # fmt: skip
    assert message.template_id == template.pk


def test_another_tenants_template_is_not_found(whatsapp, api, other_tenant):
    theirs = ApprovedTemplateFactory(tenant=other_tenant, body=BODY)
    response = send_template(api, theirs, {"1": "Ana", "2": "#1"})
    assert response.status_code == 400
    assert "No template" in response.json()["error"]["fields"]["template"][0]


def test_a_template_with_a_body_or_on_sms_is_refused(whatsapp, api):
    template = ApprovedTemplateFactory(tenant=whatsapp.tenant, body=BODY)
    response = send_template(api, template, {"1": "A", "2": "B"}, body="hello")
    assert "body" in response.json()["error"]["fields"]
    response = send_template(api, template, {"1": "A", "2": "B"}, channel="sms")
    assert "template" in response.json()["error"]["fields"]


# --- the 24-hour window -------------------------------------------------------------------


def test_free_form_outside_the_window_is_refused_before_twilio_naming_the_templates(whatsapp, api):
    template = ApprovedTemplateFactory(tenant=whatsapp.tenant, body=BODY)
    ApprovedTemplateFactory(tenant=whatsapp.tenant, body=BODY, status=ApprovalStatus.PAUSED)
    with authenticated_calls() as calls:
        response = api.post(
            "/api/v1/messages",
            {"to": HANDSET, "channel": "whatsapp", "body": "Hi there"},
            format="json",
        )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "whatsapp_window_closed"
    assert "24-hour" in error["message"] and template.name in error["message"]
    assert error["templates"] == [
        {"id": str(template.pk), "name": template.name, "language": "en", "category": "UTILITY"}
    ]
    assert "template" in error["fields"]
    assert calls == []
    assert sandbox_messages_to(HANDSET).count() == 0


def test_without_approved_templates_the_refusal_says_how_to_get_one(whatsapp, api):
    response = api.post(
        "/api/v1/messages", {"to": HANDSET, "channel": "whatsapp", "body": "Hi"}, format="json"
    )
    error = response.json()["error"]
    assert error["templates"] == [] and "no approved template" in error["message"]


def test_63016_from_twilio_is_recorded_with_its_explanation(whatsapp, on_commit):
    """The platform saw the contact write, but by the time Twilio handles the send the window
    has closed (here: the sandbox's clock runs a day ahead of the platform's)."""
    send_from_handset(HANDSET, whatsapp.number.phone_number, "Hola", channel="whatsapp")
    advance(2, rounds=2)
    assert Conversation.objects.get(channel="whatsapp").last_inbound_at is not None
    advance(24 * 3600 + 60)
    message = on_commit(
        message_send, tenant=whatsapp.tenant, to=HANDSET, channel="whatsapp",
        body="Your order shipped", actor=Actor.system(),
    )  # fmt: skip
    advance(5, rounds=4)
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("failed", 63016)
    assert message.error_message.startswith("The WhatsApp 24-hour customer-service window")
    assert "Twilio said:" in message.error_message


# --- quick replies and read receipts --------------------------------------------------------


def test_a_quick_reply_template_is_tapped_on_the_handset_and_read(
    whatsapp, api, member_client, django_capture_on_commit_callbacks
):
    template = approved_in_sandbox(whatsapp, QUICK_REPLY)
    with django_capture_on_commit_callbacks(execute=True):
        response = send_template(api, template, {"1": "Ana"})
    assert response.status_code == 201, response.json()
    with django_capture_on_commit_callbacks(execute=True):
        advance(5, rounds=4)
    [shown] = messages_received(HANDSET)
    assert shown["body"] == "Hello Ana, when should we deliver your parcel?"
    assert [b["title"] for b in shown["buttons"]] == ["Today", "Tomorrow"]

    with django_capture_on_commit_callbacks(execute=True):
        tap_button(HANDSET, shown["sid"], "deliver_tomorrow")
        advance(2, rounds=2)
    tap = Message.objects.get(direction="inbound")
    assert (tap.button_payload, tap.button_text, tap.body) == (
        "deliver_tomorrow",
        "Tomorrow",
        "Tomorrow",
    )
    sent = Message.objects.get(direction="outbound")
    assert tap.conversation_id == sent.conversation_id

    with django_capture_on_commit_callbacks(execute=True):
        read_messages(HANDSET)
        advance(2, rounds=2)
    sent.refresh_from_db()
    assert sent.status == "read" and sent.read_at is not None
    page = member_client().get(f"/conversations/{sent.conversation_id}/").content.decode()
    assert "Hello Ana, when should we deliver your parcel?" in page
    assert "Tapped quick reply: Tomorrow" in page and "badge-read" in page
    assert "window is open" in page  # the tap opened WhatsApp's 24-hour window


def _signed_inbound(provisioned, **params):
    base = {
        "MessageSid": "SM" + "7" * 32,
        "AccountSid": provisioned.sub.sid,
        "From": f"whatsapp:{HANDSET}",
        "To": f"whatsapp:{provisioned.number.phone_number}",
        "Body": "Tomorrow",
        "NumMedia": "0",
        "ProfileName": "Ana",
        "MessageType": "button",
        "ButtonText": "Tomorrow",
        "ButtonPayload": "deliver_tomorrow",
    }
    return signed_post(Client(), "/webhooks/twilio/inbound", {**base, **params}, provisioned.token)


def test_a_quick_reply_tap_is_stored_and_shown_in_the_thread(accounted, member_client):
    assert _signed_inbound(accounted).status_code == 200
    tap = Message.objects.get(direction="inbound")
    assert (tap.button_payload, tap.button_text) == ("deliver_tomorrow", "Tomorrow")
    portal = member_client(role=Membership.Role.OWNER)
    page = portal.get(f"/conversations/{tap.conversation_id}/").content.decode()
    assert "Tapped quick reply: Tomorrow" in page and "deliver_tomorrow" in page
    api_row = portal.get(f"/api/v1/messages/{tap.pk}").json()
    assert (api_row["button_payload"], api_row["button_text"]) == ("deliver_tomorrow", "Tomorrow")


def test_read_receipts_are_applied_and_shown(accounted, member_client):
    conversation = ConversationFactory(
        tenant=accounted.tenant, channel="whatsapp", contact_number=HANDSET,
        our_number=accounted.number.phone_number,
    )  # fmt: skip
    template = ApprovedTemplateFactory(tenant=accounted.tenant, body=BODY)
    sent = MessageFactory(
        tenant=accounted.tenant, conversation=conversation, channel="whatsapp",
        to_number=HANDSET, from_number=accounted.number.phone_number,
        account_sid=accounted.sub.sid, status="delivered", status_rank=50, template=template,
        content_sid=template.content_sid, content_variables={"1": "Ana", "2": "#1042"}, body="",
    )  # fmt: skip
    params = {
        "MessageSid": sent.sid, "MessageStatus": "read", "SmsStatus": "read",
        "AccountSid": accounted.sub.sid, "From": f"whatsapp:{sent.from_number}",
        "To": f"whatsapp:{HANDSET}", "ChannelPrefix": "whatsapp",
    }  # fmt: skip
    assert signed_post(Client(), "/webhooks/twilio/status", params, accounted.token).status_code
    sent.refresh_from_db()
    assert sent.status == "read" and sent.read_at is not None
    page = member_client().get(f"/conversations/{conversation.pk}/").content.decode()
    assert "Template · " + template.name in page
    assert "Hi Ana, your order #1042 has shipped" in page
    assert "read " in page and "badge-read" in page


# --- the portal -------------------------------------------------------------------------------


def test_a_closed_window_thread_offers_the_approved_templates_and_sends_one(
    whatsapp, member_client, on_commit
):
    template = approved_in_sandbox(whatsapp)
    conversation = ConversationFactory(
        tenant=whatsapp.tenant, channel="whatsapp", contact_number=HANDSET,
        our_number=whatsapp.number.phone_number,
    )  # fmt: skip
    portal = member_client()
    page = portal.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "window is closed" in page and f'value="{template.pk}"' in page
    assert 'name="body"' not in page

    fields = portal.get(
        "/messages/template-fields/", {"template": str(template.pk), "var_1": "Ana"}
    ).content.decode()
    assert 'name="var_1"' in fields and 'name="var_2"' in fields
    assert "Hi Ana, your order #1042" in fields  # {{2}} shows its sample until typed
    preview = portal.get(
        "/messages/template-fields/",
        {"template": str(template.pk), "var_1": "Bo", "var_2": "#9", "part": "preview"},
    ).content.decode()
    assert "Hi Bo, your order #9" in preview and 'name="var_1"' not in preview

    missing = portal.post(
        f"/conversations/{conversation.pk}/", {"template": str(template.pk), "var_1": "Bo"}
    )
    assert missing.status_code == 200 and "needs a value for {{2}}" in missing.content.decode()
    response = on_commit(
        portal.post,
        f"/conversations/{conversation.pk}/",
        {"template": str(template.pk), "var_1": "Bo", "var_2": "#9"},
    )
    assert response.status_code == 302
    sent = Message.objects.get(origin="reply")
    assert sent.template_id == template.pk and sent.content_variables == {"1": "Bo", "2": "#9"}
    advance(5, rounds=4)
    thread = portal.get(f"/conversations/{conversation.pk}/?partial=1", HTTP_HX_REQUEST="true")
    assert "Hi Bo, your order #9 has shipped" in thread.content.decode()


def test_the_composer_sends_a_template(whatsapp, member_client, on_commit):
    template = ApprovedTemplateFactory(tenant=whatsapp.tenant, body=BODY)
    portal = member_client()
    assert f'value="{template.pk}"' in portal.get("/messages/new/").content.decode()
    response = on_commit(
        portal.post,
        "/messages/new/",
        {
            "to": HANDSET,
            "channel": "whatsapp",
            "template": str(template.pk),
            "var_1": "Ana",
            "var_2": "#5",
        },
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.template_id == template.pk and message.origin == "portal"
    detail = portal.get(f"/messages/{message.pk}/").content.decode()
    assert template.name in detail and "Hi Ana, your order #5" in detail
