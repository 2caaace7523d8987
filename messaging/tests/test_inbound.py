"""`POST /webhooks/twilio/inbound`: threading, media, dedup, STOP/START/HELP, WhatsApp."""

import pytest
from django.test import Client

from messaging.inbound import keyword_family
from messaging.models import ConsentEvent, Conversation, Message, MessageMedia, OptOut
from messaging.services import SendRefused, message_send, whatsapp_window_closes_at
from messaging.tests.conftest import HANDSET, advance, sandbox_messages_to, signed_post
from sandbox.handsets import messages_received, send_from_handset
from sandbox.resources.messages.inbound import REPLIES
from sandbox.services import enable_whatsapp
from tenants.services import Actor

pytestmark = pytest.mark.django_db
PATH = "/webhooks/twilio/inbound"
SID = "SM" + "1" * 32


def inbound(accounted, body="Hello", sid=SID, whatsapp=False, **extra):
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": accounted.sub.sid,
        "From": HANDSET,
        "To": accounted.number.phone_number,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    if whatsapp:
        params.update(whatsapp_addresses(accounted))
    params.update(extra)
    return signed_post(Client(), PATH, params, accounted.token)


def whatsapp_addresses(accounted) -> dict:
    return {"From": f"whatsapp:{HANDSET}", "To": f"whatsapp:{accounted.number.phone_number}"}


def reply_of(response) -> str:
    text = response.content.decode()
    assert text.startswith("<?xml") and "<Response>" in text
    if "<Message>" not in text:
        return ""
    return text.split("<Message>")[1].split("</Message>")[0]


def test_an_inbound_message_is_threaded_into_a_conversation(accounted):
    response = inbound(accounted, "Is my order ready?")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert reply_of(response) == ""
    message = Message.objects.get(sid=SID)
    assert (message.direction, message.status, message.tenant_id) == (
        "inbound",
        "received",
        accounted.tenant.pk,
    )
    conversation = message.conversation
    assert conversation.contact_number == HANDSET
    assert conversation.our_number == accounted.number.phone_number
    assert conversation.unread_count == 1
    assert conversation.last_message_id == message.pk

    inbound(accounted, "Hello again", sid="SM" + "2" * 32)
    conversation.refresh_from_db()
    assert conversation.unread_count == 2
    assert Conversation.objects.count() == 1


def test_a_retried_inbound_webhook_is_stored_once(accounted):
    inbound(accounted)
    inbound(accounted)
    assert Message.objects.filter(sid=SID).count() == 1
    assert Conversation.objects.get().unread_count == 1


def test_every_media_item_is_kept(accounted):
    media = {}
    for i in range(3):
        media[f"MediaUrl{i}"] = (
            f"https://api.twilio.com/2010-04-01/Accounts/{accounted.sub.sid}/Messages/{SID}"
            f"/Media/ME{i:032x}"
        )
        media[f"MediaContentType{i}"] = "image/jpeg" if i < 2 else "application/pdf"
    inbound(accounted, "photos", NumMedia="3", **media)
    items = list(MessageMedia.objects.filter(message__sid=SID).order_by("position"))
    assert [m.position for m in items] == [0, 1, 2]
    assert [m.content_type for m in items] == ["image/jpeg", "image/jpeg", "application/pdf"]
    assert items[2].sid == f"ME{2:032x}"


def test_an_inbound_for_an_unknown_number_is_answered_and_dropped(accounted):
    response = inbound(accounted, To="+18005550000")
    assert response.status_code == 200
    assert not Message.objects.exists()


def test_a_forged_inbound_is_refused(accounted):
    response = signed_post(Client(), PATH, {"MessageSid": SID, "AccountSid": accounted.sub.sid,
                           "From": HANDSET, "To": accounted.number.phone_number,
                           "Body": "STOP"}, "not-the-token")  # fmt: skip
    assert response.status_code == 403
    assert not Message.objects.exists() and not OptOut.objects.exists()


@pytest.mark.parametrize(
    "body,family",
    [
        ("STOP", "STOP"),
        ("  stop  ", "STOP"),
        ("Stop.", "STOP"),
        ("opt   out", "STOP"),
        ("OPTOUT", "STOP"),
        ("unsubscribe", "STOP"),
        ("Revoke", "STOP"),
        ("stopall", "STOP"),
        ("start", "START"),
        ("Yes", "START"),
        ("UNSTOP", "START"),
        ("help", "HELP"),
        ("INFO", "HELP"),
        ("STOP PLEASE", None),
        ("please stop", None),
        ("", None),
    ],
)
def test_keywords_match_the_whole_message_case_and_space_insensitively(body, family):
    assert keyword_family(body) == family


def test_stop_opts_out_in_the_same_transaction_and_twilio_replies_on_sms(accounted):
    response = inbound(accounted, " Stop ")
    assert reply_of(response) == ""  # Twilio's default handling answers SMS keywords
    message = Message.objects.get(sid=SID)
    optout = OptOut.objects.get(tenant=accounted.tenant, number=HANDSET, channel="sms")
    assert (optout.source, optout.keyword) == ("keyword", "STOP")
    ledger = ConsentEvent.objects.get(number=HANDSET)
    assert (ledger.action, ledger.message_id, ledger.keyword) == ("opt_out", message.pk, "STOP")
    assert not Message.objects.filter(origin="auto_reply").exists()

    with pytest.raises(SendRefused) as err:
        message_send(tenant=accounted.tenant, to=HANDSET, body="Sale!", actor=Actor.system())
    assert err.value.reason == "recipient_opted_out"


def test_when_twilio_handled_the_keyword_the_platform_records_but_does_not_reply(accounted):
    response = inbound(accounted, "ARRET", OptOutType="STOP")
    assert reply_of(response) == ""
    assert OptOut.objects.filter(number=HANDSET).exists()
    assert not Message.objects.filter(origin="auto_reply").exists()


def test_start_removes_the_opt_out_and_the_ledger_keeps_both(accounted):
    inbound(accounted, "STOP")
    inbound(accounted, "start", sid="SM" + "3" * 32)
    assert not OptOut.objects.filter(number=HANDSET).exists()
    actions = list(ConsentEvent.objects.order_by("created_at").values_list("action", flat=True))
    assert actions == ["opt_out", "opt_in"]


def test_help_answers_with_the_tenants_help_message(accounted):
    from messaging.services import messaging_settings_update

    messaging_settings_update(
        tenant=accounted.tenant,
        data={"help_reply": "Acme: call 555-0100 for help. Reply STOP to opt out."},
        actor=Actor.system(),
    )
    response = inbound(accounted, "HELP", whatsapp=True)
    assert reply_of(response) == "Acme: call 555-0100 for help. Reply STOP to opt out."
    assert not OptOut.objects.exists()
    assert reply_of(inbound(accounted, "HELP", sid="SM" + "4" * 32)) == ""  # SMS: Twilio's


def test_a_keyword_twilio_answered_on_whatsapp_gets_no_second_reply(accounted):
    response = inbound(accounted, "HELP", OptOutType="HELP", whatsapp=True)
    assert reply_of(response) == ""
    assert not Message.objects.filter(origin="auto_reply").exists()


def test_a_help_reply_is_escaped_in_twiml(accounted):
    from messaging.services import messaging_settings_update

    messaging_settings_update(
        tenant=accounted.tenant, data={"help_reply": "A & B <help>"}, actor=Actor.system()
    )
    assert "A &amp; B &lt;help&gt;" in inbound(accounted, "info", whatsapp=True).content.decode()


def test_whatsapp_inbound_opens_the_24_hour_window(accounted):
    assert whatsapp_window_closes_at(tenant_id=accounted.tenant.pk, contact_number=HANDSET) is None
    inbound(
        accounted,
        "hola",
        From=f"whatsapp:{HANDSET}",
        To=f"whatsapp:{accounted.number.phone_number}",
        ProfileName="Ana",
        WaId=HANDSET.lstrip("+"),
    )
    message = Message.objects.get(sid=SID)
    assert message.channel == "whatsapp" and message.from_number == HANDSET
    assert message.conversation.contact_name == "Ana"
    assert whatsapp_window_closes_at(tenant_id=accounted.tenant.pk, contact_number=HANDSET)


# --- end to end with the sandbox's handset simulator -------------------------------------


def test_handset_stop_start_help_end_to_end(provisioned, on_commit):
    ours = provisioned.number.phone_number
    send_from_handset(HANDSET, ours, "Hi, is the shop open?")
    advance(2, rounds=2)
    assert Message.objects.filter(direction="inbound", body="Hi, is the shop open?").exists()

    send_from_handset(HANDSET, ours, "STOP")
    advance(2, rounds=2)
    assert OptOut.objects.filter(tenant=provisioned.tenant, number=HANDSET).exists()
    before = sandbox_messages_to(HANDSET).count()
    with pytest.raises(SendRefused):
        message_send(tenant=provisioned.tenant, to=HANDSET, body="Sale", actor=Actor.system())
    assert sandbox_messages_to(HANDSET).count() == before

    send_from_handset(HANDSET, ours, "START")
    advance(2, rounds=2)
    assert not OptOut.objects.filter(tenant=provisioned.tenant, number=HANDSET).exists()
    message = on_commit(
        message_send, tenant=provisioned.tenant, to=HANDSET, body="Welcome back",
        actor=Actor.system(),
    )  # fmt: skip
    advance(5, rounds=4)
    message.refresh_from_db()
    assert message.status == "delivered"

    before = set(sandbox_messages_to(HANDSET).values_list("sid", flat=True))
    send_from_handset(HANDSET, ours, "HELP")
    advance(2, rounds=4)
    bodies = [m["body"] for m in messages_received(HANDSET)]
    assert "Welcome back" in bodies
    replies = sandbox_messages_to(HANDSET).exclude(sid__in=before)
    assert [m.body for m in replies] == [REPLIES["HELP"]]


def test_whatsapp_two_way_end_to_end(provisioned, on_commit):
    ours = provisioned.number.phone_number
    enable_whatsapp(ours)
    provisioned.number.whatsapp_enabled = True
    provisioned.number.save(update_fields=["whatsapp_enabled"])

    with pytest.raises(SendRefused) as err:
        message_send(
            tenant=provisioned.tenant, to=HANDSET, channel="whatsapp", body="Hi",
            actor=Actor.system(),
        )  # fmt: skip
    assert err.value.reason == "whatsapp_window_closed"

    send_from_handset(HANDSET, ours, "Hola!", channel="whatsapp")
    advance(2, rounds=2)
    conversation = Conversation.objects.get(channel="whatsapp", contact_number=HANDSET)
    assert conversation.last_inbound_at is not None
    reply = on_commit(
        message_send, tenant=provisioned.tenant, to=HANDSET, channel="whatsapp",
        body="Hola! Your order ships today.", actor=Actor.system(),
    )  # fmt: skip
    advance(5, rounds=4)
    reply.refresh_from_db()
    assert reply.status in ("delivered", "read")
    assert reply.conversation_id == conversation.pk
    received = messages_received(HANDSET)
    assert any(m["channel"] == "whatsapp" and m["body"].startswith("Hola!") for m in received)


def test_inbound_media_is_listed_through_the_gateway(provisioned, on_commit):
    ours = provisioned.number.phone_number
    urls = [f"https://cdn.example.com/p{i}.jpg" for i in range(3)]
    send_from_handset(HANDSET, ours, "pics", media_urls=urls)
    on_commit(advance, 2, rounds=2)
    message = Message.objects.get(direction="inbound", body="pics")
    media = list(message.media.order_by("position"))
    assert len(media) == 3
    assert all(m.sid.startswith("ME") and m.fetched_at for m in media)
    assert all(m.content_type == "image/jpeg" for m in media)


def _stop_signed_by(signer, **params):
    base = {"MessageSid": SID, "AccountSid": signer.sub.sid, "From": HANDSET, "Body": "STOP"}
    return signed_post(Client(), PATH, {**base, **params}, signer.token)


def test_a_stop_to_this_tenants_number_signed_by_another_tenant_is_refused(
    accounted, other_accounted
):
    response = _stop_signed_by(other_accounted, To=accounted.number.phone_number)
    assert response.status_code == 403
    assert b"<Message>" not in response.content
    assert not Message.objects.exists()  # neither the STOP nor an auto-reply
    assert not OptOut.objects.exists() and not ConsentEvent.objects.exists()


def test_a_stop_to_this_tenants_messaging_service_signed_by_another_tenant_is_refused(
    accounted, other_accounted
):
    from provisioning.tests.factories import MessagingServiceFactory

    service = MessagingServiceFactory(tenant=accounted.tenant, subaccount=accounted.sub)
    response = _stop_signed_by(other_accounted, To="+18005550000", MessagingServiceSid=service.sid)
    assert response.status_code == 403
    assert not Message.objects.exists() and not OptOut.objects.exists()

    mine = _stop_signed_by(accounted, To="+18005550000", MessagingServiceSid=service.sid)
    assert mine.status_code == 200
    assert reply_of(mine) == ""  # Twilio itself answers an SMS STOP
    assert OptOut.objects.filter(tenant=accounted.tenant, number=HANDSET).exists()
