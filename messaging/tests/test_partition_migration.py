"""The partitioning migrations on a table with rows: migrated back to before them, rows
written, migrated forward. On PostgreSQL every row, id and reference survives, the keys of
the old rows are enforced (they were copied into the key table) and the event ids carry on
from the old sequence; on SQLite the migrations change nothing."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from emails.models import EmailEvent
from emails.tests.factories import EmailEventFactory
from isvplatform import partitions
from isvplatform.partition_migrate import partition_table
from messaging import statuses
from messaging.models import Conversation, Message, MessageMedia, WebhookEvent
from messaging.tests.factories import ConversationFactory, MessageFactory, MessageMediaFactory

pytestmark = pytest.mark.django_db(transaction=True)
PG = connection.vendor == "postgresql"
BEFORE = [
    ("messaging", "0009_message_refs_without_db_constraint"),
    ("emails", "0002_emailevent_message_without_db_constraint"),
]


def _migrate(targets=None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _event(sid: str, status: str) -> bool:
    return statuses.record_event(
        kind="status", message_sid=sid, status=status, account_sid="AC1", payload={}
    )


def _rows_before() -> dict:
    old = timezone.now() - timedelta(days=45)
    conversation = ConversationFactory()
    messages = [
        MessageFactory(tenant=conversation.tenant, conversation=conversation, created_at=old),
        MessageFactory(tenant=conversation.tenant, conversation=conversation),
    ]
    Conversation.objects.filter(pk=conversation.pk).update(last_message=messages[1])
    media = MessageMediaFactory(tenant=conversation.tenant, message=messages[0])
    email_event = EmailEventFactory()
    for message in messages:
        assert _event(message.sid, "delivered")
    return {
        "messages": {m.pk: m.sid for m in messages},
        "media": (media.pk, messages[0].pk),
        "conversation": (conversation.pk, messages[1].pk),
        "email_event": (email_event.pk, email_event.message_id),
        "events": set(WebhookEvent.objects.values_list("pk", flat=True)),
    }


def test_the_live_migration_keeps_rows_ids_and_references():
    _migrate(BEFORE)
    try:
        assert not any(partitions.is_partitioned(t) for t in partitions.TABLES)
        before = _rows_before()
    finally:
        _migrate()
    assert all(partitions.is_partitioned(t) for t in partitions.TABLES) is PG
    count = len(before["messages"]) + 1  # the email event's message
    assert (
        dict(Message.objects.filter(pk__in=before["messages"]).values_list("pk", "sid"))
        == (before["messages"])
    )
    assert Message.objects.count() == count
    media_pk, message_pk = before["media"]
    assert MessageMedia.objects.get(pk=media_pk).message.pk == message_pk
    conversation_pk, last_pk = before["conversation"]
    assert Conversation.objects.get(pk=conversation_pk).last_message.pk == last_pk
    event_pk, email_pk = before["email_event"]
    assert EmailEvent.objects.get(pk=event_pk).message.pk == email_pk
    assert set(WebhookEvent.objects.values_list("pk", flat=True)) == before["events"]
    old_sid = next(iter(before["messages"].values()))
    # The old rows' keys hold: a repeated SID fails, a repeated callback is not kept again.
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageFactory(sid=old_sid)
    assert not _event(old_sid, "delivered")
    assert _event(old_sid, "read")
    newest = WebhookEvent.objects.get(message_sid=old_sid, status="read").pk
    assert newest > max(before["events"])
    if PG:
        oldest = min(before["messages"], key=lambda pk: Message.objects.get(pk=pk).created_at)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tableoid::regclass::text FROM messaging_message WHERE id = %s", [oldest]
            )
            assert cursor.fetchone() == ("messaging_message_p_legacy",)


def test_the_migration_runs_again_as_a_no_op():
    spec = partitions.TABLES["messaging_message"]
    before = partitions.partitions()
    partition_table(connection, spec)
    assert partitions.partitions() == before
    assert partitions.is_partitioned(spec.table) is PG
