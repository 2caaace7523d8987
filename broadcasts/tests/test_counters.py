import pytest
from django.core import mail

from broadcasts.models import BroadcastFailure, BroadcastRecipient, BroadcastSettings
from broadcasts.services.lifecycle import broadcast_launch
from messaging.models import STATUS_RANK, Message, OptOut
from messaging.services.optouts import optout_add
from messaging.statuses import apply_status_callback
from messaging.tests.factories import MessageFactory
from tenants.models import Membership
from tenants.services import Actor
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _hand_out(broadcast):
    """What the dispatcher does per recipient: one sent message, linked, counted as sent."""
    messages = []
    for recipient in BroadcastRecipient.objects.filter(broadcast=broadcast):
        message = MessageFactory(
            tenant=broadcast.tenant,
            to_number=recipient.address,
            origin=Message.Origin.BROADCAST,
            status="sent",
            status_rank=STATUS_RANK["sent"],
        )
        recipient.message, recipient.status = message, "queued"
        recipient.save()
        messages.append(message)
    type(broadcast).objects.filter(pk=broadcast.pk).update(sent=len(messages), pending=0)
    return messages


def _callback(message, status, code=None):
    params = {"MessageSid": message.sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32}
    if code:
        params["ErrorCode"] = str(code)
    return apply_status_callback(params)


def test_each_message_counts_once_whatever_the_callbacks(broadcast_to):
    broadcast = broadcast_launch(broadcast_to(3), Actor.system())
    one, two, three = _hand_out(broadcast)

    _callback(one, "delivered")
    _callback(one, "delivered")  # repeated
    _callback(one, "read")  # a later final status
    _callback(two, "undelivered", 30007)
    _callback(two, "undelivered", 30007)
    _callback(two, "delivered")  # late delivery after the failure: already counted
    _callback(three, "failed", 30003)
    _callback(three, "sent")  # out of order

    broadcast.refresh_from_db()
    assert (broadcast.delivered, broadcast.failed, broadcast.filtered) == (1, 2, 1)
    failures = dict(
        BroadcastFailure.objects.filter(broadcast=broadcast).values_list("error_code", "count")
    )
    assert failures == {"30007": 1, "30003": 1}


def test_messages_of_no_broadcast_move_nothing(tenant, broadcast_to):
    broadcast = broadcast_launch(broadcast_to(1), Actor.system())
    other = MessageFactory(tenant=tenant, status="sent", status_rank=STATUS_RANK["sent"])
    _callback(other, "delivered")
    broadcast.refresh_from_db()
    assert broadcast.delivered == 0


def test_stop_from_a_recipient_counts_once(tenant, broadcast_to):
    broadcast = broadcast_launch(broadcast_to(2), Actor.system())
    first, _ = _hand_out(broadcast)
    for _ in range(2):
        optout_add(
            tenant=tenant,
            number=first.to_number,
            channel="sms",
            source=OptOut.Source.KEYWORD,
            keyword="STOP",
            actor=Actor.system(),
        )
    broadcast.refresh_from_db()
    assert broadcast.replies_opted_out == 1


def test_filtering_rate_pauses_and_emails_the_owner(
    tenant, broadcast_to, django_capture_on_commit_callbacks
):
    MembershipFactory(tenant=tenant, role=Membership.Role.OWNER, user__email="owner@example.com")
    BroadcastSettings.objects.create(tenant=tenant, min_sample=4)
    broadcast = broadcast_launch(broadcast_to(5), Actor.system())
    messages = _hand_out(broadcast)
    _callback(messages[0], "delivered")
    _callback(messages[1], "delivered")
    _callback(messages[2], "delivered")
    with django_capture_on_commit_callbacks(execute=True):
        _callback(messages[3], "undelivered", 30007)

    broadcast.refresh_from_db()
    assert broadcast.status == "paused" and broadcast.pause_reason == "filtering_rate"
    assert "1 of 4 messages (25.0%)" in broadcast.pause_detail
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.com"]
    assert "too many carrier-filtered messages" in mail.outbox[0].subject
    assert "1 of 4 messages" in mail.outbox[0].body


def test_opt_out_rate_pauses(tenant, broadcast_to):
    BroadcastSettings.objects.create(tenant=tenant, min_sample=3)
    broadcast = broadcast_launch(broadcast_to(3), Actor.system())
    first, *_ = _hand_out(broadcast)
    optout_add(
        tenant=tenant,
        number=first.to_number,
        channel="sms",
        source=OptOut.Source.KEYWORD,
        keyword="STOP",
        actor=Actor.system(),
    )
    broadcast.refresh_from_db()
    assert broadcast.status == "paused" and broadcast.pause_reason == "opt_out_rate"


def test_below_the_sample_nothing_pauses(tenant, broadcast_to):
    broadcast = broadcast_launch(broadcast_to(3), Actor.system())
    messages = _hand_out(broadcast)
    _callback(messages[0], "undelivered", 30007)
    broadcast.refresh_from_db()
    assert broadcast.status == "sending"
