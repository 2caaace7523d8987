"""The metrics added for the alerts, each counted by a real flow: callback ingest latency
(Twilio's status callbacks from the sandbox, the SES webhook), refused callbacks tallied,
template decisions (a template reviewed in the sandbox), tenant-webhook attempts and given-up
deliveries (a real receiver), broadcast recipients (a broadcast dispatched), the heartbeat
age, and django-prometheus's HTTP basics."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from broadcasts.tasks import dispatch_broadcast_task
from broadcasts.tests.factories_dispatch import consented_contacts, sending_broadcast
from content.tests.test_lifecycle import authored, submit_and_review
from content.vocab import ApprovalStatus
from emails.tests import sns
from emails.tests.test_tracking import deliver, email
from isvplatform.models import CallbackRefusal
from isvplatform.tasks import heartbeat_task
from isvplatform.tests.test_metrics import TOKEN, samples, value
from messaging.services import message_send
from messaging.tests.conftest import HANDSET, advance, provision_tenant, rows_only, signed_post
from messaging.tests.factories import MessageFactory
from sandbox import clock, faults
from tenants.services import Actor
from webhooks.models import WebhookDelivery
from webhooks.services import delivery_attempt, emit_event, endpoint_create
from webhooks.tests.conftest import receiver  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
CALLBACK = "isv_callback_duration_seconds_count"


@pytest.fixture(autouse=True)
def configured(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOW_IPS = []
    yield settings
    faults.reset()


def test_status_callbacks_from_the_sandbox_time_their_ingest(
    tenant, django_capture_on_commit_callbacks
):
    provisioned = provision_tenant(tenant)
    before = value(CALLBACK, endpoint="twilio_webhooks:status", outcome="2xx")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(tenant=provisioned.tenant, to=HANDSET, body="Ready", actor=Actor.system())
    advance(5, rounds=4)
    # queued? sending, sent, delivered: at least three callbacks, each timed once.
    assert value(CALLBACK, endpoint="twilio_webhooks:status", outcome="2xx") >= before + 3


def test_a_forged_callback_is_timed_and_tallied(tenant):
    accounted = rows_only(tenant)
    message = MessageFactory(
        tenant=tenant, account_sid=accounted.sub.sid, status="queued", status_rank=10
    )
    before = value(CALLBACK, endpoint="twilio_webhooks:status", outcome="4xx")
    params = {"MessageSid": message.sid, "MessageStatus": "delivered"}
    params["AccountSid"] = accounted.sub.sid
    assert signed_post(Client(), "/webhooks/twilio/status", params, "forged").status_code == 403
    assert value(CALLBACK, endpoint="twilio_webhooks:status", outcome="4xx") == before + 1
    tally = CallbackRefusal.objects.get()
    assert (tally.endpoint, tally.reason, tally.count) == (
        "twilio_webhooks:status",
        "invalid_signature",
        1,
    )


def test_the_ses_webhook_is_timed_and_a_wrong_secret_tallied(tenant):
    message = email(tenant)
    before_ok = value(CALLBACK, endpoint="amazon_ses_tracking", outcome="2xx")
    before_bad = value(CALLBACK, endpoint="amazon_ses_tracking", outcome="4xx")
    assert deliver(Client(), message).status_code == 200
    assert deliver(Client(), message, auth="anyone:guess").status_code == 400
    assert value(CALLBACK, endpoint="amazon_ses_tracking", outcome="2xx") == before_ok + 1
    assert value(CALLBACK, endpoint="amazon_ses_tracking", outcome="4xx") == before_bad + 1
    refused = CallbackRefusal.objects.get()
    assert (refused.endpoint, refused.reason) == ("amazon_ses_tracking", "invalid_basic_auth")
    assert sns.TRACKING_PATH == "/anymail/amazon_ses/tracking/"


def test_a_template_approved_in_the_sandbox_is_counted(
    tenant, owner, django_capture_on_commit_callbacks
):
    from compliance.tests.conftest import provision_tenant as provision_subaccount

    provision_subaccount(tenant)
    labels = {"channel": "whatsapp", "outcome": "approved"}
    before = value("isv_template_decisions_total", **labels)

    def on_commit(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    template = submit_and_review(on_commit, clock.advance, authored(tenant))
    assert template.status == ApprovalStatus.APPROVED
    assert value("isv_template_decisions_total", **labels) == before + 1


def test_tenant_webhook_attempts_and_a_given_up_delivery_are_counted(tenant, receiver):  # noqa: F811
    endpoint_create(
        tenant=tenant, url=receiver.url, event_types=["message.received"], actor=Actor.system()
    )
    receiver.answer(503, 200)
    ok = {"event_type": "message.received", "outcome": "ok"}
    failed = {"event_type": "message.received", "outcome": "server_error"}
    before_ok = value("isv_tenant_webhook_attempts_total", **ok)
    before_failed = value("isv_tenant_webhook_attempts_total", **failed)
    emit_event(tenant_id=tenant.pk, event_type="message.received", data={"x": 1})
    delivery = WebhookDelivery.objects.get()
    assert delivery_attempt(str(delivery.pk)).state == "pending"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert delivery_attempt(str(delivery.pk)).state == "succeeded"
    assert value("isv_tenant_webhook_attempts_total", **ok) == before_ok + 1
    assert value("isv_tenant_webhook_attempts_total", **failed) == before_failed + 1

    gave_up = {"event_type": "message.received"}
    before_gave_up = value("isv_tenant_webhook_deliveries_failed_total", **gave_up)
    receiver.answer(500)
    emit_event(tenant_id=tenant.pk, event_type="message.received", data={"x": 2})
    late = WebhookDelivery.objects.get(state="pending")
    WebhookDelivery.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - timedelta(hours=24)
    )
    assert delivery_attempt(str(late.pk)).state == "failed"
    assert value("isv_tenant_webhook_deliveries_failed_total", **gave_up) == before_gave_up + 1


def test_a_dispatched_broadcast_counts_its_recipients(
    tenant, settings, django_capture_on_commit_callbacks
):
    settings.BROADCAST_PACING = False
    provisioned = provision_tenant(tenant)
    contacts = consented_contacts(provisioned.tenant, 4)
    broadcast = sending_broadcast(
        provisioned.tenant, contacts, django_capture_on_commit_callbacks, purpose="transactional"
    )
    labels = {"channel": "sms", "outcome": "queued"}
    before = value("isv_broadcast_recipients_total", **labels)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_broadcast_task.delay(str(broadcast.pk)).get()
    assert value("isv_broadcast_recipients_total", **labels) == before + 4


def test_the_heartbeat_age_and_the_http_basics_are_exposed(db):
    heartbeat_task()
    found = samples()
    age = found[("isv_worker_heartbeat_age_seconds", (("name", "worker"),))]
    assert age >= 0
    assert ("isv_tenant_webhook_endpoints_failing", ()) in found
    assert any(name == "django_http_requests_total_by_method_total" for name, _ in found)
