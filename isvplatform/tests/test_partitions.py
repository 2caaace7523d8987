"""Monthly partitions of messages and raw events: on PostgreSQL the tables are partitioned,
rows land in their month, the unique keys hold across months, the upkeep task adds months
idempotently. On SQLite (plain tables) the same tests check that nothing of it applies and
the unique constraints are the tables' own."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from emails.tests.factories import EmailEventFactory
from isvplatform import partitions
from messaging import statuses
from messaging.models import Message, WebhookEvent
from messaging.tests.factories import MessageFactory
from ops.tasks import ensure_partitions_task

pytestmark = pytest.mark.django_db
PG = connection.vendor == "postgresql"


def _partition_of(table: str, pk) -> str:
    """The table that holds the row: its partition on PostgreSQL, the table itself on SQLite."""
    if not PG:
        return table if Message.objects.filter(pk=pk).exists() else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("table", list(partitions.TABLES))
def test_the_big_tables_are_partitioned_by_month_on_postgresql_only(table):
    names = {p.name for p in partitions.partitions() if p.table == table}
    with connection.cursor() as cursor:
        assert table in connection.introspection.table_names(cursor)
    if not PG:
        assert not partitions.is_partitioned(table) and names == set()
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat FROM pg_partitioned_table WHERE partrelid = %s::regclass", [table]
        )
        assert cursor.fetchone() == ("r",)
    this_month = partitions.month_start(timezone.now())
    assert {table + partitions.LEGACY_SUFFIX, table + partitions.DEFAULT_SUFFIX} <= names
    ahead = partitions.partition_name(table, partitions.month_start(this_month, 3))
    assert ahead in names


def test_a_message_lands_in_its_months_partition():
    later = partitions.month_start(timezone.now(), 2) + timedelta(days=3)
    message = MessageFactory(created_at=later)
    now_message = MessageFactory()
    home = _partition_of("messaging_message", message.pk)
    if PG:
        assert home == partitions.partition_name("messaging_message", later)
        assert _partition_of("messaging_message", now_message.pk) == "messaging_message_p_legacy"
    else:
        assert home == "messaging_message"
    assert Message.objects.get(pk=message.pk).created_at == later


def test_a_twilio_sid_stays_unique_across_months():
    first = MessageFactory(sid="SM" + "a" * 32)
    later = partitions.month_start(timezone.now(), 1) + timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageFactory(sid=first.sid, created_at=later)
    other = MessageFactory(sid=None, created_at=later)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.filter(pk=other.pk).update(sid=first.sid)
    # The key follows the row: changed, the old SID is free; deleted, so is the new one.
    Message.objects.filter(pk=first.pk).update(sid="SM" + "b" * 32)
    Message.objects.filter(pk=other.pk).update(sid=first.sid)
    Message.objects.filter(pk=other.pk).delete()
    MessageFactory(sid=first.sid, created_at=later + timedelta(days=40))
    assert Message.objects.filter(sid=first.sid).count() == 1


def test_an_esp_message_id_stays_unique_and_many_messages_have_none():
    MessageFactory(channel="email", esp_message_id="ses-1", sid=None)
    MessageFactory(sid=None)
    MessageFactory(sid=None, created_at=partitions.month_start(timezone.now(), 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        MessageFactory(
            channel="email",
            esp_message_id="ses-1",
            sid=None,
            created_at=partitions.month_start(timezone.now(), 2),
        )


def test_a_raw_twilio_event_is_kept_once_per_sid_and_status_across_months():
    event = {"kind": "status", "message_sid": "SM" + "c" * 32, "account_sid": "AC1"}
    assert statuses.record_event(**event, status="sent", payload={"a": 1})
    assert not statuses.record_event(**event, status="sent", payload={"a": 2})
    assert statuses.record_event(**event, status="delivered", payload={})
    later = partitions.month_start(timezone.now(), 2)
    with connection.cursor() as cursor:
        cursor.execute(
            statuses._INSERT_EVENT.format(payload="%s"),
            ["status", event["message_sid"], "sent", "AC1", "{}", statuses._now_param(later)],
        )
        assert cursor.fetchone() is None
    assert WebhookEvent.objects.filter(message_sid=event["message_sid"]).count() == 2


def test_an_email_event_is_kept_once_across_months():
    first = EmailEventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailEventFactory(
            message=first.message,
            event_id=first.event_id,
            recipient=first.recipient,
            received_at=partitions.month_start(timezone.now(), 1),
        )
    assert first.message.email_events.count() == 1


def test_the_upkeep_task_adds_coming_months_once():
    far = partitions.month_start(timezone.now(), 8)
    created = partitions.ensure_partitions(months_ahead=8)
    again = partitions.ensure_partitions(months_ahead=8)
    assert again == []
    assert ensure_partitions_task() == []
    if not PG:
        assert created == []
        return
    expected = {partitions.partition_name(t, far) for t in partitions.TABLES}
    assert expected <= set(created)
    message = MessageFactory(created_at=far + timedelta(days=2))
    assert _partition_of("messaging_message", message.pk) == partitions.partition_name(
        "messaging_message", far
    )
    assert not partitions.attach_month(partitions.TABLES["messaging_message"], far)
