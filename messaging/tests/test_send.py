"""Sending through the gateway into the sandbox: statuses, exactly-once, refusals, errors."""

import pytest
from django.core.exceptions import ValidationError

from isvplatform import gateway
from messaging.models import Conversation, Message, OptOut, WebhookEvent
from messaging.services import (
    SendRefused,
    message_dispatch,
    message_send,
    messages_to_sweep,
    optout_add,
    stale_message_ids,
)
from messaging.tasks import reconcile_message_task, send_message_task, sweep_outbox_task
from messaging.tests.conftest import HANDSET, advance, provision_tenant, sandbox_messages_to
from sandbox import faults
from sandbox.handsets import send_from_handset
from sandbox.testing import sdk_client
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def send(on_commit, provisioned, body="Your order is ready", to=HANDSET, **kwargs):
    return on_commit(
        message_send, tenant=provisioned.tenant, to=to, body=body, actor=Actor.system(), **kwargs
    )


def test_send_goes_queued_sent_delivered_with_the_sandbox_callbacks(on_commit, provisioned):
    message = send(on_commit, provisioned)
    message.refresh_from_db()
    assert message.sid and message.sid.startswith("SM")
    assert message.status == "queued"
    assert message.from_number == provisioned.number.phone_number
    assert message.submitted_at is not None
    assert sandbox_messages_to(HANDSET).count() == 1

    advance(5, rounds=4)
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.sent_at is not None and message.delivered_at is not None
    statuses = set(
        WebhookEvent.objects.filter(message_sid=message.sid).values_list("status", flat=True)
    )
    assert {"sent", "delivered"} <= statuses


def test_the_task_run_twice_sends_once(on_commit, provisioned):
    message = send(on_commit, provisioned)
    assert send_message_task.apply(args=[str(message.pk)]).get() == "already_handled"
    assert message_dispatch(str(message.pk)).outcome == "already_handled"
    assert sandbox_messages_to(HANDSET).count() == 1


def test_one_sweep_drains_more_lost_enqueues_than_a_batch(provisioned, settings, monkeypatch):
    monkeypatch.setattr("messaging.tasks.SWEEP_BATCH", 2)
    handsets = [f"+1628555{n:04d}" for n in range(1, 6)]
    for to in handsets:  # no on-commit callbacks: every enqueue lost
        message_send(tenant=provisioned.tenant, to=to, body="hi", actor=Actor.system())
    settings.MESSAGING_OUTBOX_SWEEP_SECONDS = 0
    assert sweep_outbox_task() == 5
    assert all(sandbox_messages_to(to).count() == 1 for to in handsets)
    assert not Message.objects.filter(to_number__in=handsets, sid__isnull=True).exists()


def test_a_message_whose_enqueue_was_lost_is_swept_and_sent_once(provisioned, settings):
    # No on-commit callbacks run here: as if the process died between commit and enqueue.
    message = message_send(tenant=provisioned.tenant, to=HANDSET, body="hi", actor=Actor.system())
    assert sandbox_messages_to(HANDSET).count() == 0
    assert messages_to_sweep(older_than_seconds=60) == []

    settings.MESSAGING_OUTBOX_SWEEP_SECONDS = 0
    assert sweep_outbox_task() == 1
    message.refresh_from_db()
    assert message.sid and message.sweeps == 1
    assert sweep_outbox_task() == 0
    assert sandbox_messages_to(HANDSET).count() == 1


def test_a_send_that_reached_twilio_before_the_worker_died_is_adopted_not_repeated(
    provisioned, settings
):
    message = message_send(tenant=provisioned.tenant, to=HANDSET, body="once", actor=Actor.system())
    # The dead worker's call reached Twilio, but its transaction (with the SID) never committed.
    earlier = gateway.send_message(
        gateway.account_client(provisioned.sub.sid, provisioned.sub.auth_token),
        to=HANDSET,
        from_=provisioned.number.phone_number,
        body="once",
    )
    settings.MESSAGING_OUTBOX_SWEEP_SECONDS = 0
    assert sweep_outbox_task() == 1
    message.refresh_from_db()
    assert message.sid == earlier.sid
    assert sandbox_messages_to(HANDSET).count() == 1


def test_segments_and_encoding_are_stored(on_commit, provisioned):
    gsm = send(on_commit, provisioned, body="a" * 161)
    ucs2 = send(on_commit, provisioned, body="Café ☕ " * 11)
    assert (gsm.segments, gsm.encoding) == (2, "GSM-7")
    assert (ucs2.segments, ucs2.encoding) == (2, "UCS-2")
    assert gsm.estimated_price is not None


def test_limits_and_validation_refuse_before_storing(provisioned):
    cases = [
        ({"to": HANDSET, "body": "x" * 1601}, "body"),
        ({"to": "12", "body": "hi"}, "to"),
        ({"to": HANDSET, "body": "   "}, "body"),
        ({"to": HANDSET, "body": "hi", "channel": "fax"}, "channel"),
        ({"to": HANDSET, "body": "hi", "media_urls": ["ftp://x/y.png"]}, "media_urls"),
        ({"to": HANDSET, "body": "hi", "from_": "+14155559999"}, "from"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as err:
            message_send(tenant=provisioned.tenant, actor=Actor.system(), **kwargs)
        assert field in err.value.message_dict, (kwargs, err.value)
    assert Message.objects.count() == 0


def test_an_opted_out_number_is_refused_and_nothing_reaches_the_sandbox(on_commit, provisioned):
    optout_add(
        tenant=provisioned.tenant,
        number=HANDSET,
        channel="sms",
        source=OptOut.Source.MANUAL,
        actor=Actor.system(),
    )
    with pytest.raises(SendRefused) as err:
        send(on_commit, provisioned)
    assert err.value.reason == "recipient_opted_out"
    assert "START" in err.value.reason_message
    assert sandbox_messages_to(HANDSET).count() == 0
    assert Message.objects.count() == 0


def test_stop_recorded_while_a_send_is_queued_wins(provisioned):
    message = message_send(tenant=provisioned.tenant, to=HANDSET, body="hi", actor=Actor.system())
    optout_add(
        tenant=provisioned.tenant,
        number=HANDSET,
        channel="sms",
        source=OptOut.Source.KEYWORD,
        keyword="STOP",
        actor=Actor.system(),
    )
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("failed", 21610)
    assert message_dispatch(str(message.pk)).outcome == "already_handled"
    assert sandbox_messages_to(HANDSET).count() == 0


def test_the_send_task_rechecks_the_opt_out_under_the_row_lock(provisioned):
    message = message_send(tenant=provisioned.tenant, to=HANDSET, body="hi", actor=Actor.system())
    # An opt-out that appeared without cancelling pending sends (e.g. another process).
    OptOut.objects.create(
        tenant=provisioned.tenant, number=HANDSET, channel="sms", source="keyword"
    )
    assert message_dispatch(str(message.pk)).outcome == "opted_out"
    message.refresh_from_db()
    assert message.status == "failed" and message.error_code == 21610
    assert sandbox_messages_to(HANDSET).count() == 0


def test_no_sender_and_no_account_are_clear_refusals(tenant):
    with pytest.raises(SendRefused) as err:
        message_send(tenant=tenant, to=HANDSET, body="hi", actor=Actor.system())
    assert err.value.reason == "no_twilio_account"


def test_the_10dlc_gate_refuses_an_unregistered_tenant_before_twilio(other_tenant):
    unregistered = provision_tenant(other_tenant, area_code="628", toll_free=False)
    with pytest.raises(ValidationError) as err:
        message_send(tenant=unregistered.tenant, to=HANDSET, body="hi", actor=Actor.system())
    assert "10DLC" in " ".join(err.value.message_dict["from"])
    assert sandbox_messages_to(HANDSET).count() == 0
    assert Message.objects.count() == 0


def test_master_fallback_without_numbers_needs_a_fallback_sender(tenant, settings):
    settings.TWILIO_MASTER_FALLBACK = True
    with pytest.raises(SendRefused) as err:
        message_send(tenant=tenant, to=HANDSET, body="hi", actor=Actor.system())
    assert err.value.reason == "no_sender"


def test_a_permanent_twilio_error_is_recorded_with_its_code_and_explanation(on_commit, provisioned):
    # The number was released in Twilio behind the platform's back (e.g. in the Console).
    sdk_client(provisioned.sub.sid, provisioned.token).incoming_phone_numbers(
        provisioned.number.sid
    ).delete()
    message = send(on_commit, provisioned)
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.error_code == 21606
    assert "not a message-capable number" in message.error_message


def test_twilio_21610_records_the_opt_out_the_platform_missed(on_commit, provisioned):
    # The STOP reached Twilio, but its inbound webhook never reached the platform.
    with faults.injected(drop_callbacks=1.0):
        send_from_handset(HANDSET, provisioned.number.phone_number, "STOP")
        advance(2)
    assert not OptOut.objects.filter(tenant=provisioned.tenant).exists()
    message = send(on_commit, provisioned)
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("failed", 21610)
    optout = OptOut.objects.get(tenant=provisioned.tenant, number=HANDSET)
    assert optout.source == OptOut.Source.TWILIO


def test_429s_are_retried_then_the_message_goes_out(on_commit, provisioned, settings):
    settings.TWILIO_MAX_RETRIES = 0
    with faults.injected(rate_429=1.0, path_pattern="Messages.json"):
        message = message_send(
            tenant=provisioned.tenant, to=HANDSET, body="hi", actor=Actor.system()
        )
        with pytest.raises(gateway.RetryableGatewayError):
            message_dispatch(str(message.pk))
    message.refresh_from_db()
    assert message.status == "queued" and message.sid is None
    assert message.send_attempts == 1 and message.error_message.startswith("Retrying")
    outcome = send_message_task.apply(args=[str(message.pk)]).get()
    message.refresh_from_db()
    assert outcome == "sent" and message.sid and message.error_message == ""
    assert sandbox_messages_to(HANDSET).count() == 1


def test_retries_running_out_without_doubt_fail_the_message(provisioned, settings, eager_retries):
    settings.TWILIO_MAX_RETRIES = 0
    settings.MESSAGING_SEND_MAX_RETRIES = 2
    with faults.injected(rate_429=1.0, path_pattern="Messages.json"):
        message = message_send(
            tenant=provisioned.tenant, to=HANDSET, body="hi", actor=Actor.system()
        )
        send_message_task.apply(args=[str(message.pk)])
    message.refresh_from_db()
    assert message.status == "failed"
    assert "Gave up after retries" in message.error_message
    assert sandbox_messages_to(HANDSET).count() == 0


def test_retries_running_out_after_a_500_leave_the_message_unknown_not_failed(
    provisioned, settings, eager_retries
):
    # A 500 on the POST may come after Twilio accepted the message: it is not "failed".
    settings.TWILIO_MAX_RETRIES = 0
    settings.MESSAGING_SEND_MAX_RETRIES = 2
    with faults.injected(rate_500=1.0, path_pattern="Messages.json"):
        message = message_send(
            tenant=provisioned.tenant, to=HANDSET, body="hi", actor=Actor.system()
        )
        send_message_task.apply(args=[str(message.pk)])
    message.refresh_from_db()
    assert message.status == "unknown" and message.sid is None
    assert sandbox_messages_to(HANDSET).count() == 0


def test_a_lost_callback_is_reconciled_from_twilio(on_commit, provisioned):
    with faults.injected(drop_callbacks=1.0):
        message = send(on_commit, provisioned)
        advance(5, rounds=4)
    message.refresh_from_db()
    assert message.status == "queued"
    assert str(message.pk) in stale_message_ids(older_than_seconds=0)
    assert reconcile_message_task.apply(args=[str(message.pk)]).get() == "applied"
    message.refresh_from_db()
    assert message.status == "delivered"
    assert WebhookEvent.objects.filter(message_sid=message.sid, kind="reconcile").exists()
    assert reconcile_message_task.apply(args=[str(message.pk)]).get() == "skipped"


def test_messages_go_through_each_tenants_own_subaccount(on_commit, provisioned, other_tenant):
    other = provision_tenant(other_tenant)
    mine = send(on_commit, provisioned)
    theirs = send(on_commit, other)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.account_sid == provisioned.sub.sid
    assert theirs.account_sid == other.sub.sid


@pytest.fixture
def sender_cache(settings):
    settings.MESSAGING_SENDER_CACHE_SECONDS = 10


def test_a_single_send_costs_three_queries_once_its_sender_is_known(
    accounted, key_api, sender_cache, django_assert_max_num_queries
):
    """The API key, the recipient's opt-out and the insert: the account, sender and 10DLC
    gate are remembered from the send before, the conversation is the send task's."""
    payload = {"to": HANDSET, "body": "Your table is ready"}
    assert key_api.post("/api/v1/messages", payload, format="json").status_code == 201
    with django_assert_max_num_queries(3):
        response = key_api.post("/api/v1/messages", payload, format="json")
    assert response.status_code == 201
    assert response.json()["conversation_id"] is None


def test_a_single_send_resolving_its_sender_costs_seven_queries(
    accounted, key_api, django_assert_max_num_queries
):
    """Without a remembered sender: the key, the subaccount, the opt-out, the messaging
    service, the primary number, its toll-free verification and the insert."""
    payload = {"to": HANDSET, "body": "Your table is ready"}
    assert key_api.post("/api/v1/messages", payload, format="json").status_code == 201
    with django_assert_max_num_queries(7):
        assert key_api.post("/api/v1/messages", payload, format="json").status_code == 201


def test_the_send_task_threads_an_api_send(accounted, key_api):
    from messaging.services import message_thread

    payload = {"to": HANDSET, "body": "Your table is ready"}
    message_id = key_api.post("/api/v1/messages", payload, format="json").json()["id"]
    message_thread(message_id)
    message_thread(message_id)
    message = Message.objects.get(pk=message_id)
    conversation = message.conversation
    assert (conversation.contact_number, conversation.our_number) == (
        HANDSET,
        accounted.number.phone_number,
    )
    assert conversation.last_message_id == message.pk
    assert Conversation.objects.count() == 1


def test_a_remembered_sender_is_forgotten_when_its_verification_changes(
    accounted, key_api, sender_cache
):
    from compliance.models import TollFreeVerification

    payload = {"to": HANDSET, "body": "Your table is ready"}
    assert key_api.post("/api/v1/messages", payload, format="json").status_code == 201
    verification = TollFreeVerification.objects.get(phone_number=accounted.number)
    verification.status = "rejected"
    verification.save()
    refused = key_api.post("/api/v1/messages", payload, format="json")
    assert refused.status_code == 400
    assert "toll-free" in refused.json()["error"]["fields"]["from"][0]


def test_a_remembered_sender_is_forgotten_when_the_subaccount_is_suspended(
    accounted, key_api, sender_cache
):
    payload = {"to": HANDSET, "body": "Your table is ready"}
    assert key_api.post("/api/v1/messages", payload, format="json").status_code == 201
    accounted.sub.status = "suspended"
    accounted.sub.save()
    refused = key_api.post("/api/v1/messages", payload, format="json")
    assert refused.json()["error"]["code"] == "no_twilio_account"
