"""The retention jobs: what goes, what stays, per tenant, in batches, and twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from emails.models import EmailEvent
from emails.tests.factories import EmailEventFactory, EmailMessageFactory
from isvplatform.celery import app
from isvplatform.locks import single_run
from messaging.models import STATUS_RANK, Message, MessageMedia, Status, WebhookEvent
from messaging.tests.factories import MessageFactory, MessageMediaFactory
from retention import purge
from retention.tasks import apply_tenant_task, run_all_task
from retention.tests.factories import RetentionPolicyFactory
from tenants.models import AuditEvent
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.tests.factories import DeliveryFactory, EndpointFactory

pytestmark = pytest.mark.django_db


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def old_message(tenant, days=40, **kwargs):
    kwargs.setdefault("media_urls", ["https://example.com/cat.jpg"])
    kwargs.setdefault("content_variables", {"1": "Ada"})
    kwargs.setdefault("created_at", days_ago(days))
    return MessageFactory(tenant=tenant, **kwargs)


def event_of(message, days=40, status="delivered"):
    return WebhookEvent.objects.create(
        kind=WebhookEvent.Kind.STATUS,
        message_sid=message.sid,
        status=status,
        payload={"MessageSid": message.sid, "Body": message.body},
        received_at=days_ago(days),
    )


def test_bodies_older_than_the_period_are_blanked_and_newer_ones_kept(tenant):
    RetentionPolicyFactory(tenant=tenant, body_days=30, event_days=None)
    old = old_message(tenant, days=31, subject="Hi", html="<p>x</p>", button_text="Yes")
    new = old_message(tenant, days=29)

    result = purge.apply_retention(tenant)

    old.refresh_from_db()
    new.refresh_from_db()
    assert result.bodies_blanked == 1
    assert (old.body, old.subject, old.html, old.button_text) == ("", "", "", "")
    assert old.media_urls == [] and old.content_variables == {}
    assert old.status == Status.DELIVERED and old.sid and old.to_number
    assert new.body.startswith("Hello") and new.media_urls and new.content_variables


def test_one_tenants_policy_leaves_another_tenant_alone(tenant, other_tenant, settings):
    settings.RETENTION_BODY_DAYS = None
    settings.RETENTION_EVENT_DAYS = None
    RetentionPolicyFactory(tenant=tenant, body_days=30, event_days=30)
    mine, theirs = old_message(tenant), old_message(other_tenant)
    event_of(mine)
    theirs_event = event_of(theirs)

    purge.apply_retention(tenant)
    purge.apply_retention(other_tenant)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.body == "" and theirs.body.startswith("Hello")
    assert list(WebhookEvent.objects.all()) == [theirs_event]


def test_the_platform_default_applies_without_a_policy(tenant, settings):
    settings.RETENTION_BODY_DAYS = 10
    message = old_message(tenant, days=11)

    purge.apply_retention(tenant)

    message.refresh_from_db()
    assert message.body == ""


def test_bodies_are_kept_forever_by_default(tenant, settings):
    settings.RETENTION_BODY_DAYS = None
    message = old_message(tenant, days=4000)

    purge.apply_retention(tenant)

    message.refresh_from_db()
    assert message.body.startswith("Hello")


@pytest.mark.parametrize("status", [Status.QUEUED, Status.SENDING, Status.UNKNOWN])
def test_messages_not_yet_handed_over_are_never_blanked(tenant, status):
    RetentionPolicyFactory(tenant=tenant, body_days=7)
    waiting = old_message(tenant, days=300, status=status, status_rank=STATUS_RANK[status])
    in_doubt = old_message(tenant, days=300, status=Status.SENT, in_doubt_since=days_ago(300))

    assert purge.apply_retention(tenant).bodies_blanked == 0

    for message in (waiting, in_doubt):
        message.refresh_from_db()
        assert message.body.startswith("Hello")


def test_inbound_media_rows_and_files_go_with_the_body(tenant, django_capture_on_commit_callbacks):
    RetentionPolicyFactory(tenant=tenant, body_days=7)
    message = old_message(tenant, days=30, direction="inbound", status=Status.RECEIVED)
    media = MessageMediaFactory(message=message, tenant=tenant)
    stored = purge.media_storage().save(f"retention-test/{media.pk}.txt", _content(b"cat"))
    MessageMedia.objects.filter(pk=media.pk).update(file=stored)

    with django_capture_on_commit_callbacks(execute=True):
        purge.apply_retention(tenant)

    assert not MessageMedia.objects.filter(message=message).exists()
    assert not purge.media_storage().exists(stored)


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


def test_raw_events_older_than_the_period_are_deleted(tenant):
    RetentionPolicyFactory(tenant=tenant, event_days=30, body_days=None)
    message = old_message(tenant, days=60)
    event_of(message, days=59, status="sent")
    kept_event = event_of(message, days=10, status="read")
    email = EmailMessageFactory(tenant=tenant, created_at=days_ago(60))
    EmailEventFactory(message=email, received_at=days_ago(59))
    kept_email_event = EmailEventFactory(message=email, received_at=days_ago(5))
    endpoint = EndpointFactory(tenant=tenant)
    done = DeliveryFactory(endpoint=endpoint, created_at=days_ago(45))
    WebhookAttempt.objects.create(delivery=done, status_code=200)
    pending = DeliveryFactory(
        endpoint=endpoint, created_at=days_ago(45), state=WebhookDelivery.State.PENDING
    )
    recent = DeliveryFactory(endpoint=endpoint, created_at=days_ago(1))

    result = purge.apply_retention(tenant)

    assert (result.message_events_deleted, result.email_events_deleted) == (1, 1)
    assert result.webhook_deliveries_deleted == 1
    assert list(WebhookEvent.objects.all()) == [kept_event]
    assert list(EmailEvent.objects.all()) == [kept_email_event]
    assert set(WebhookDelivery.objects.all()) == {pending, recent}
    assert not WebhookAttempt.objects.exists()
    message.refresh_from_db()
    assert message.body.startswith("Hello")


def test_callbacks_matching_no_message_go_at_the_platform_default(settings):
    settings.RETENTION_EVENT_DAYS = 30
    for days, sid in ((31, "SMorphan1"), (29, "SMorphan2")):
        WebhookEvent.objects.create(
            kind="status", message_sid=sid, status="sent", received_at=days_ago(days)
        )

    assert purge.purge_orphan_message_events() == 1
    assert list(WebhookEvent.objects.values_list("message_sid", flat=True)) == ["SMorphan2"]


def test_small_batches_still_finish_and_a_rerun_finds_nothing(tenant, settings, monkeypatch):
    settings.RETENTION_BATCH_SIZE = 2
    RetentionPolicyFactory(tenant=tenant, body_days=7, event_days=7)
    for n in range(5):
        event_of(old_message(tenant, days=20 + n))
    batches = []
    blank = purge._blank
    monkeypatch.setattr(purge, "_blank", lambda ids: batches.append(len(ids)) or blank(ids))

    result = purge.apply_retention(tenant)

    assert batches == [2, 2, 1]
    assert (result.bodies_blanked, result.message_events_deleted) == (5, 5)
    assert not Message.objects.for_tenant(tenant).filter(purge.HAS_BODY).exists()
    assert purge.apply_retention(tenant).total == 0


def test_batches_of_messages_created_at_the_same_moment_miss_none(tenant, settings):
    settings.RETENTION_BATCH_SIZE = 2
    RetentionPolicyFactory(tenant=tenant, body_days=7)
    moment = days_ago(30)
    for _ in range(5):
        old_message(tenant, created_at=moment)

    assert purge.apply_retention(tenant).bodies_blanked == 5


def test_a_run_that_removed_something_is_audited_and_one_that_did_not_is_not(tenant):
    RetentionPolicyFactory(tenant=tenant, body_days=7)
    old_message(tenant)

    purge.apply_retention(tenant)
    purge.apply_retention(tenant)

    audit = AuditEvent.objects.filter(tenant=tenant, action="retention.applied")
    assert audit.count() == 1
    assert audit.get().changes["bodies_blanked"] == 1
    assert audit.get().actor_type == AuditEvent.ActorType.SYSTEM


def test_the_daily_task_applies_every_tenants_policy(tenant, other_tenant, settings):
    settings.RETENTION_BODY_DAYS = None
    RetentionPolicyFactory(tenant=tenant, body_days=7)
    RetentionPolicyFactory(tenant=other_tenant, body_days=100)
    mine, theirs = old_message(tenant, days=50), old_message(other_tenant, days=50)

    assert run_all_task.delay().get() >= 2

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.body == "" and theirs.body.startswith("Hello")
    assert apply_tenant_task.delay(tenant.pk).get() == 0


def test_the_daily_job_is_on_beat_and_a_second_run_meanwhile_does_nothing(tenant, settings):
    assert settings.CELERY_BEAT_SCHEDULE["retention-daily"]["task"] in app.tasks
    RetentionPolicyFactory(tenant=tenant, body_days=7)
    message = old_message(tenant)

    with single_run("retention:cron:daily", 60):
        assert run_all_task.delay().get() == 0

    message.refresh_from_db()
    assert message.body.startswith("Hello")
