"""The dispatcher against the real sandbox, tasks run eagerly: every recipient gets one
message, pause / resume / cancel between batches, a STOP during the run, a run repeated."""

from collections import Counter

import pytest

from broadcasts import dispatcher
from broadcasts.models import Broadcast, BroadcastRecipient
from broadcasts.services.lifecycle import broadcast_cancel, broadcast_pause, broadcast_resume
from broadcasts.tasks import dispatch_broadcast_task, tick_task
from broadcasts.tests.factories_dispatch import (
    consented_contacts,
    sandbox_counts,
    sending_broadcast,
)
from messaging.models import Message, OptOut
from messaging.tests.conftest import advance, provision_tenant
from sandbox.handsets import send_from_handset
from tenants.services import Actor


@pytest.fixture(autouse=True)
def _unpaced(settings):
    settings.BROADCAST_PACING = False
    settings.BROADCAST_BATCH_MAX = 2


@pytest.fixture
def provisioned(tenant):
    return provision_tenant(tenant)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One dispatcher run, its on-commit sends executed (eager send tasks)."""

    def once(broadcast):
        with django_capture_on_commit_callbacks(execute=True):
            return dispatcher.broadcast_dispatch(broadcast.pk)

    return once


def _numbers(contacts):
    return [c.phone for c in contacts]


def test_every_recipient_gets_exactly_one_message_and_the_broadcast_completes(
    provisioned, django_capture_on_commit_callbacks
):
    contacts = consented_contacts(provisioned.tenant, 5)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_broadcast_task.delay(str(broadcast.pk)).get() == "batch"
    broadcast.refresh_from_db()
    assert broadcast.status == "completed"
    assert (broadcast.total, broadcast.pending, broadcast.sent) == (5, 0, 5)
    assert sandbox_counts(_numbers(contacts)) == {n: 1 for n in _numbers(contacts)}
    messages = Message.objects.filter(broadcast_recipient__broadcast=broadcast)
    assert messages.count() == 5
    assert set(messages.values_list("origin", flat=True)) == {"broadcast"}
    first = messages.get(to_number=contacts[0].phone)
    assert first.body.startswith(f"Hi {contacts[0].first_name}, sale today.")
    assert not BroadcastRecipient.objects.filter(broadcast=broadcast, message__isnull=True).exists()


def test_a_run_repeated_after_the_end_sends_nothing_twice(
    provisioned, run, django_capture_on_commit_callbacks
):
    contacts = consented_contacts(provisioned.tenant, 3)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    assert run(broadcast).queued == 2
    assert run(broadcast).outcome == "completed"
    assert run(broadcast).outcome == "not_sending"
    assert sandbox_counts(_numbers(contacts)) == {n: 1 for n in _numbers(contacts)}


def test_a_recipient_handed_over_twice_gets_one_message(
    provisioned, django_capture_on_commit_callbacks
):
    contacts = consented_contacts(provisioned.tenant, 1)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    recipient = BroadcastRecipient.objects.select_related("contact").get(broadcast=broadcast)
    broadcast = Broadcast.objects.select_related("tenant").get(pk=broadcast.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatcher.hand_over(broadcast, [recipient]) == 1
    with pytest.raises(dispatcher._Stopped):  # the second run gives way, creating nothing
        dispatcher.hand_over(broadcast, [recipient])
    assert Message.objects.filter(to_number=contacts[0].phone).count() == 1
    broadcast.refresh_from_db()
    assert (broadcast.pending, broadcast.sent) == (0, 1)


def test_pause_stops_after_the_batch_and_resume_continues_from_the_checkpoint(
    provisioned, run, django_capture_on_commit_callbacks
):
    contacts = consented_contacts(provisioned.tenant, 5)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    assert run(broadcast).queued == 2
    broadcast_pause(broadcast, Actor.system())
    assert run(broadcast).outcome == "not_sending"
    assert sum(sandbox_counts(_numbers(contacts)).values()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        broadcast_resume(broadcast, Actor.system())
    broadcast.refresh_from_db()
    assert broadcast.status == "completed" and broadcast.sent == 5
    assert sandbox_counts(_numbers(contacts)) == {n: 1 for n in _numbers(contacts)}


def test_a_pause_during_a_batch_drops_the_batch(provisioned, django_capture_on_commit_callbacks):
    contacts = consented_contacts(provisioned.tenant, 2)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    broadcast = Broadcast.objects.select_related("tenant").get(pk=broadcast.pk)
    recipients = list(
        BroadcastRecipient.objects.select_related("contact").filter(broadcast=broadcast)
    )
    broadcast_pause(broadcast, Actor.system())  # lands while the batch is being handed over
    with pytest.raises(dispatcher._Stopped):
        dispatcher.hand_over(broadcast, recipients)
    assert set(
        BroadcastRecipient.objects.filter(broadcast=broadcast).values_list("status", flat=True)
    ) == {"pending"}
    assert not Message.objects.filter(to_number__in=_numbers(contacts)).exists()


def test_cancel_stops_the_rest(provisioned, run, django_capture_on_commit_callbacks):
    contacts = consented_contacts(provisioned.tenant, 5)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    run(broadcast)
    broadcast_cancel(broadcast, Actor.system())
    assert run(broadcast).outcome == "not_sending"
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.sent, broadcast.pending) == ("cancelled", 2, 0)
    assert sum(sandbox_counts(_numbers(contacts)).values()) == 2
    assert BroadcastRecipient.objects.filter(broadcast=broadcast, status="cancelled").count() == 3


def test_a_stop_during_the_run_gets_that_number_nothing_more(
    provisioned, run, django_capture_on_commit_callbacks
):
    contacts = consented_contacts(provisioned.tenant, 4)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    run(broadcast)
    stopper = contacts[3].phone  # not reached yet
    send_from_handset(stopper, provisioned.number.phone_number, "STOP")
    advance(2, rounds=2)
    assert OptOut.objects.filter(tenant=provisioned.tenant, number=stopper).exists()
    while run(broadcast).outcome == "batch":
        pass
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.sent, broadcast.opted_out) == ("completed", 3, 1)
    recipient = BroadcastRecipient.objects.get(broadcast=broadcast, address=stopper)
    assert (recipient.status, recipient.skip_reason) == ("skipped", "opted_out")
    assert sandbox_counts([stopper]) == {}


def test_the_tick_rekicks_a_run_whose_task_was_lost(
    provisioned, django_capture_on_commit_callbacks
):
    contacts = consented_contacts(provisioned.tenant, 3)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    # The launch's enqueue never ran (captured): only the tick finds the run.
    assert dispatcher.sending_to_rekick() == [broadcast.pk]
    with django_capture_on_commit_callbacks(execute=True):
        tick_task.delay()
    broadcast.refresh_from_db()
    assert broadcast.status == "completed"
    assert sandbox_counts(_numbers(contacts)) == {n: 1 for n in _numbers(contacts)}
    assert dispatcher.sending_to_rekick() == []


def test_a_held_lease_keeps_a_second_run_off(provisioned, django_capture_on_commit_callbacks):
    from isvplatform import claims

    contacts = consented_contacts(provisioned.tenant, 2)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    assert claims.claim(Broadcast.objects.all(), broadcast.pk, seconds=60) is not None
    assert dispatcher.broadcast_dispatch(broadcast.pk).outcome == "busy"
    assert dispatcher.sending_to_rekick() == []
    assert not Message.objects.filter(broadcast_recipient__broadcast=broadcast).exists()


def test_a_batch_handed_over_in_lanes_gives_each_recipient_one_message(
    transactional_db, tenant, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """On PostgreSQL the batch is split over threads, each its own transaction."""
    settings.BROADCAST_LANES = 4
    # Committed for real here: keep the launch from running the dispatcher itself.
    monkeypatch.setattr("broadcasts.services.lifecycle.enqueue.dispatch", lambda pk: None)
    provisioned = provision_tenant(tenant)
    contacts = consented_contacts(provisioned.tenant, 40)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    broadcast = Broadcast.objects.select_related("tenant").get(pk=broadcast.pk)
    recipients = list(
        BroadcastRecipient.objects.select_related("contact").filter(broadcast=broadcast)
    )
    assert dispatcher.hand_over_in_lanes(broadcast, recipients) == 40
    with pytest.raises(dispatcher._Stopped):
        dispatcher.hand_over_in_lanes(broadcast, recipients)  # a second run gives way
    counts = Counter(
        Message.objects.filter(to_number__in=_numbers(contacts)).values_list("to_number", flat=True)
    )
    assert counts == {n: 1 for n in _numbers(contacts)}
    broadcast.refresh_from_db()
    assert (broadcast.pending, broadcast.sent) == (0, 40)
