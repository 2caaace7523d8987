"""`POST /webhooks/twilio/status`: signatures, duplicates, order, the raw events kept once."""

import pytest
from django.test import Client

from messaging.models import Message, OptOut, WebhookEvent
from messaging.services import message_send
from messaging.statuses import apply_status_callback
from messaging.tests.conftest import HANDSET, advance, signed_post
from messaging.tests.factories import MessageFactory
from sandbox import faults
from tenants.services import Actor

pytestmark = pytest.mark.django_db
PATH = "/webhooks/twilio/status"


def callback(message, status, **extra):
    params = {
        "MessageSid": message.sid,
        "SmsSid": message.sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "AccountSid": message.account_sid,
        "From": message.from_number,
        "To": message.to_number,
        "ApiVersion": "2010-04-01",
    }
    params.update(extra)
    return params


def post(message, status, token, **extra):
    return signed_post(Client(), PATH, callback(message, status, **extra), token)


def test_statuses_move_forward_and_each_raw_event_is_kept_once(sent, accounted):
    for status in ("sending", "sent", "sent", "delivered", "delivered"):
        assert post(sent, status, accounted.token).status_code == 204
    sent.refresh_from_db()
    assert sent.status == "delivered"
    events = WebhookEvent.objects.filter(message_sid=sent.sid)
    assert sorted(events.values_list("status", flat=True)) == ["delivered", "sending", "sent"]


def test_a_late_sent_never_moves_delivered_backwards(sent, accounted):
    post(sent, "delivered", accounted.token)
    post(sent, "sent", accounted.token)
    post(sent, "queued", accounted.token)
    sent.refresh_from_db()
    assert sent.status == "delivered"
    assert sent.delivered_at is not None
    assert WebhookEvent.objects.filter(message_sid=sent.sid).count() == 3


def test_undelivered_records_the_error_code_with_an_explanation(sent, accounted):
    post(sent, "sent", accounted.token)
    post(sent, "undelivered", accounted.token, ErrorCode="30003")
    sent.refresh_from_db()
    assert (sent.status, sent.error_code) == ("undelivered", 30003)
    assert "unreachable" in sent.error_message
    assert sent.failed_at is not None


def test_a_delivery_error_21610_adds_the_opt_out(sent, accounted):
    post(sent, "failed", accounted.token, ErrorCode="21610")
    assert OptOut.objects.filter(tenant=accounted.tenant, number=HANDSET).exists()


@pytest.mark.parametrize(
    "signature",
    ["", "forged-signature", "c2lnbmVkIHdpdGggYW5vdGhlciB0b2tlbg==", "s\u00efgn\u00e9"],
    ids=["missing", "garbage", "wrong token", "not ascii"],
)
def test_forged_or_missing_signatures_are_403_and_change_nothing(sent, accounted, signature):
    before = Message.objects.get(pk=sent.pk)
    response = signed_post(Client(), PATH, callback(sent, "delivered"), "x", signature=signature)
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == before.status
    assert not WebhookEvent.objects.filter(message_sid=sent.sid, status="delivered").exists()


def test_a_token_of_another_account_does_not_verify(sent, other_accounted):
    response = post(sent, "delivered", other_accounted.token)
    assert response.status_code == 403


def test_an_unknown_account_is_refused(sent, accounted):
    params = callback(sent, "delivered", AccountSid="AC" + "0" * 32)
    assert signed_post(Client(), PATH, params, accounted.token).status_code == 403


def test_the_public_base_url_is_what_is_signed_behind_a_proxy(sent, accounted, settings):
    settings.PUBLIC_BASE_URL = "https://sms.example.com"
    # The request reaches Django as http://testserver, but Twilio signed the public URL.
    response = post(sent, "delivered", accounted.token)
    assert response.status_code == 204
    sent.refresh_from_db()
    assert sent.status == "delivered"


def test_a_callback_before_the_sid_is_stored_is_applied_when_it_is(accounted):
    message = message_send(tenant=accounted.tenant, to=HANDSET, body="hi", actor=Actor.system())
    apply_status_callback(
        {
            "MessageSid": "SM" + "a" * 32,
            "MessageStatus": "sent",
            "AccountSid": accounted.sub.sid,
        }
    )
    assert WebhookEvent.objects.filter(message_sid="SM" + "a" * 32).exists()
    message.sid = "SM" + "a" * 32
    message.save(update_fields=["sid"])
    from messaging.services.dispatch import apply_pending_events

    apply_pending_events(message)
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_callback_naming_a_queued_row_gives_it_its_sid(accounted):
    # The worker died after Twilio accepted the message but before the SID was stored.
    message = message_send(tenant=accounted.tenant, to=HANDSET, body="hi", actor=Actor.system())
    sid = "SM" + "b" * 32
    outcome = apply_status_callback(
        {"MessageSid": sid, "MessageStatus": "sent", "AccountSid": accounted.sub.sid},
        message_hint=str(message.pk),
    )
    message.refresh_from_db()
    assert outcome.applied and message.sid == sid and message.status == "sent"


def test_a_hint_from_another_account_is_ignored(accounted, other_accounted):
    message = message_send(tenant=accounted.tenant, to=HANDSET, body="hi", actor=Actor.system())
    apply_status_callback(
        {"MessageSid": "SM" + "c" * 32, "MessageStatus": "sent",
         "AccountSid": other_accounted.sub.sid},
        message_hint=str(message.pk),
    )  # fmt: skip
    message.refresh_from_db()
    assert message.sid is None


def test_duplicated_and_reordered_sandbox_callbacks_end_delivered_once(on_commit, provisioned):
    with faults.injected(duplicate_callbacks=1.0, reorder_callbacks=1.0, seed=7):
        message = on_commit(
            message_send, tenant=provisioned.tenant, to=HANDSET, body="x", actor=Actor.system()
        )
        advance(5, rounds=6)
    message.refresh_from_db()
    assert message.status == "delivered"
    statuses = list(WebhookEvent.objects.filter(message_sid=message.sid).values_list("status"))
    assert len(statuses) == len(set(statuses))


def test_statuses_of_an_unknown_message_are_kept_but_change_nothing(accounted):
    other = MessageFactory(tenant=accounted.tenant, status="sent", status_rank=30)
    outcome = apply_status_callback(
        {"MessageSid": "SM" + "d" * 32, "MessageStatus": "delivered", "AccountSid": "AC1"}
    )
    assert outcome.recorded and not outcome.applied
    other.refresh_from_db()
    assert other.status == "sent"


def test_a_previous_token_verifies_only_while_it_is_valid(sent, accounted):
    from datetime import timedelta

    from django.utils import timezone

    sub = accounted.sub
    old = accounted.token
    sub.previous_auth_token = old
    sub.auth_token = "f" * 32
    sub.previous_token_valid_until = timezone.now() + timedelta(minutes=5)
    sub.save()
    assert post(sent, "sent", "f" * 32).status_code == 204  # the new primary token
    assert post(sent, "sending", old).status_code == 204  # the previous one, still valid

    sub.previous_token_valid_until = timezone.now() - timedelta(seconds=1)
    sub.save(update_fields=["previous_token_valid_until"])
    # The tokens are cached for the hot path, yet the expired one is refused at once.
    assert post(sent, "delivered", old).status_code == 403
    assert post(sent, "delivered", "f" * 32).status_code == 204


def test_another_tenants_account_cannot_sign_for_this_tenants_message(sent, other_accounted):
    # Tenant F signs, with its own subaccount and token, a status for tenant E's message.
    params = callback(sent, "read", AccountSid=other_accounted.sub.sid)
    response = signed_post(Client(), PATH, params, other_accounted.token)
    assert response.status_code == 403
    sent.refresh_from_db()
    assert (sent.status, sent.read_at) == ("queued", None)
    assert not WebhookEvent.objects.filter(message_sid=sent.sid).exists()


def test_another_tenants_account_cannot_sign_for_this_tenants_queued_row(
    accounted, other_accounted
):
    message = message_send(tenant=accounted.tenant, to=HANDSET, body="hi", actor=Actor.system())
    params = {"MessageSid": "SM" + "e" * 32, "MessageStatus": "delivered",
              "AccountSid": other_accounted.sub.sid}  # fmt: skip
    response = signed_post(Client(), f"{PATH}?m={message.pk}", params, other_accounted.token)
    assert response.status_code == 403
    message.refresh_from_db()
    assert (message.sid, message.status) == (None, "queued")
    assert not WebhookEvent.objects.filter(message_sid="SM" + "e" * 32).exists()


def test_statuses_kept_from_another_account_are_not_applied_when_the_sid_arrives(
    accounted, other_accounted
):
    message = message_send(tenant=accounted.tenant, to=HANDSET, body="hi", actor=Actor.system())
    sid = "SM" + "f" * 32
    apply_status_callback(
        {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": other_accounted.sub.sid}
    )
    message.sid = sid
    message.save(update_fields=["sid"])
    from messaging.services.dispatch import apply_pending_events

    apply_pending_events(message)
    message.refresh_from_db()
    assert message.status == "queued"
