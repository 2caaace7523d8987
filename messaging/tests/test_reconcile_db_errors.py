"""The reconcile task when its database connection died (PostgreSQL crashed and came back,
as `drills.postgres_immediate_stop` does it): retried on a new connection, not dropped
until the next reconcile run an hour later."""

import pytest
from django.db import InterfaceError, OperationalError

from messaging import tasks
from messaging.models import WebhookEvent
from messaging.services import message_send
from messaging.tasks import reconcile_message_task
from messaging.tests.conftest import HANDSET, advance
from sandbox import faults
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def _lost_callbacks(on_commit, provisioned):
    with faults.injected(drop_callbacks=1.0):
        message = on_commit(
            message_send, tenant=provisioned.tenant, to=HANDSET, body="hi", actor=Actor.system()
        )
        advance(5, rounds=4)
    message.refresh_from_db()
    assert message.status == "queued"
    return message


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("consuming input failed: server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
    ],
)
def test_a_reconcile_whose_connection_died_is_retried_and_applies(
    on_commit, provisioned, eager_retries, monkeypatch, error
):
    message = _lost_callbacks(on_commit, provisioned)
    real, calls = tasks.apply_fetched, []

    def dies_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "apply_fetched", dies_once)
    assert reconcile_message_task.apply(args=[str(message.pk)]).get() == "applied"
    assert len(calls) == 2
    message.refresh_from_db()
    assert message.status == "delivered"
    assert WebhookEvent.objects.filter(message_sid=message.sid, kind="reconcile").count() == 1
