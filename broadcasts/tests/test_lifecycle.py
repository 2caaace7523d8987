import pytest
from django.utils import timezone

from broadcasts.models import BroadcastRecipient, BroadcastStatus, BroadcastTransition
from broadcasts.services.common import BroadcastConflict
from broadcasts.services.lifecycle import (
    broadcast_cancel,
    broadcast_complete,
    broadcast_launch,
    broadcast_pause,
    broadcast_resume,
    broadcast_start_due,
    transition,
)
from tenants.models import AuditEvent
from tenants.services import Actor
from webhooks.models import WebhookDelivery
from webhooks.tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db


def test_launch_sends_now_and_records_the_move(tenant, broadcast_to):
    EndpointFactory(tenant=tenant, events=",broadcast.status,")
    broadcast = broadcast_launch(broadcast_to(3), Actor.system())

    assert broadcast.status == BroadcastStatus.SENDING
    assert broadcast.launched_at is not None
    assert (broadcast.total, broadcast.pending) == (3, 3)
    assert BroadcastRecipient.objects.filter(broadcast=broadcast).count() == 3
    moves = list(
        BroadcastTransition.objects.filter(broadcast=broadcast).values_list(
            "from_status", "to_status"
        )
    )
    assert moves == [("draft", "sending")]
    assert (
        AuditEvent.objects.filter(action="broadcast.sending", target_id=str(broadcast.pk)).count()
        == 1
    )
    delivery = WebhookDelivery.objects.get(tenant=tenant, event_type="broadcast.status")
    assert delivery.payload["data"]["from_status"] == "draft"
    assert delivery.payload["data"]["status"] == "sending"


def test_second_launch_changes_nothing(broadcast_to):
    broadcast = broadcast_launch(broadcast_to(2), Actor.system())
    again = broadcast_launch(broadcast, Actor.system())
    assert again.pk == broadcast.pk and again.status == BroadcastStatus.SENDING
    assert BroadcastRecipient.objects.filter(broadcast=broadcast).count() == 2
    assert BroadcastTransition.objects.filter(broadcast=broadcast).count() == 1
    assert (again.total, again.pending) == (2, 2)


def test_future_launch_schedules_then_starts_when_due(broadcast_to):
    at = timezone.now() + timezone.timedelta(hours=1)
    broadcast = broadcast_launch(broadcast_to(2, scheduled_at=at), Actor.system())
    assert broadcast.status == BroadcastStatus.SCHEDULED
    assert not BroadcastRecipient.objects.filter(broadcast=broadcast).exists()

    assert broadcast_start_due(now=timezone.now()) == 0
    assert broadcast_start_due(now=at + timezone.timedelta(seconds=1)) == 1
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SENDING and broadcast.pending == 2


def test_pause_resume_cancel(broadcast_to):
    broadcast = broadcast_launch(broadcast_to(3), Actor.system())
    paused = broadcast_pause(broadcast, Actor.system(), reason="opt_out_rate", detail="3 of 50")
    assert (paused.status, paused.pause_reason, paused.pause_detail) == (
        "paused",
        "opt_out_rate",
        "3 of 50",
    )
    with pytest.raises(BroadcastConflict):
        broadcast_pause(broadcast, Actor.system())

    resumed = broadcast_resume(broadcast, Actor.system())
    assert resumed.status == "sending" and resumed.pause_reason == ""
    assert resumed.launched_at == paused.launched_at

    cancelled = broadcast_cancel(broadcast, Actor.system())
    assert cancelled.status == "cancelled" and cancelled.pending == 0
    assert set(
        BroadcastRecipient.objects.filter(broadcast=broadcast).values_list("status", flat=True)
    ) == {"cancelled"}
    with pytest.raises(BroadcastConflict):
        broadcast_resume(broadcast, Actor.system())
    moves = list(
        BroadcastTransition.objects.filter(broadcast=broadcast).values_list("to_status", flat=True)
    )
    assert moves == ["sending", "paused", "sending", "cancelled"]


def test_transition_refuses_moves_the_table_forbids(broadcast_to):
    broadcast = broadcast_to(1)
    assert transition(broadcast.pk, "completed", actor=Actor.system()) is False
    assert transition(broadcast.pk, "paused", actor=Actor.system()) is False
    assert transition(broadcast.pk, "cancelled", actor=Actor.system()) is True
    assert transition(broadcast.pk, "cancelled", actor=Actor.system()) is False
    assert BroadcastTransition.objects.filter(broadcast=broadcast).count() == 1


def test_complete_only_when_nothing_waits(broadcast_to):
    broadcast = broadcast_launch(broadcast_to(2), Actor.system())
    assert broadcast_complete(broadcast.pk) is False
    BroadcastRecipient.objects.filter(broadcast=broadcast).update(status="queued")
    assert broadcast_complete(broadcast.pk) is True
    broadcast.refresh_from_db()
    assert broadcast.status == "completed" and broadcast.completed_at is not None
    assert broadcast_complete(broadcast.pk) is False


def test_a_due_broadcast_that_cant_go_out_goes_back_to_draft(tenant, broadcast_to):
    from contacts.tests.factories import ContactFieldFactory

    field = ContactFieldFactory(tenant=tenant, key="city")
    at = timezone.now() + timezone.timedelta(minutes=5)
    broadcast = broadcast_launch(
        broadcast_to(1, body="Hi from {{city}}", scheduled_at=at), Actor.system()
    )
    assert broadcast.status == BroadcastStatus.SCHEDULED
    field.delete()

    assert broadcast_start_due(now=at + timezone.timedelta(seconds=1)) == 0
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.DRAFT
    last = BroadcastTransition.objects.filter(broadcast=broadcast).last()
    assert (last.from_status, last.reason) == ("scheduled", "refused")
    assert "{{city}}" in last.detail
    assert not BroadcastRecipient.objects.filter(broadcast=broadcast).exists()
