"""The SES tracking webhook: who may post, and what each event does to the email."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from emails.models import EmailEvent, EspCredentials
from emails.services import is_suppressed, unsuppress
from emails.tests import sns
from messaging import signals
from messaging.models import STATUS_RANK, ConsentEvent, Message, OptOut, Status
from messaging.tests.factories import MessageFactory
from tenants.services import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


def email(tenant, **fields):
    n = Message.objects.count()
    values = {
        "tenant": tenant,
        "channel": "email",
        "from_number": "news@mail.example.com",
        "to_number": f"reader{n}@example.org",
        "subject": "Hello",
        "body": "Hello there",
        "esp_name": "amazon_ses",
        "esp_message_id": f"0100018c-test-{n:08d}",
        "sid": None,
        "segments": 0,
        "encoding": "",
        "status": Status.SENT,
        "status_rank": STATUS_RANK[Status.SENT],
    }
    values.update(fields)
    return MessageFactory(**values)


def own_credentials(tenant, secret):
    return EspCredentials.objects.create(
        tenant=tenant,
        access_key_id=f"AKIATENANT{tenant.pk:010d}",
        secret_access_key="tenant-secret",
        webhook_secret=secret,
        status=EspCredentials.Status.ACTIVE,
        created_at=timezone.now() - timedelta(hours=1),
    )


def deliver(client, message, kind="Delivery", auth="platform", **extra):
    event = sns.ses_event(kind, message.esp_message_id, message.to_number, **extra)
    return sns.post(client, sns.notification(event), auth=auth)


# --- who may post ------------------------------------------------------------------------


def test_no_auth_is_challenged_like_anymail(client, tenant):
    message = email(tenant)
    response = deliver(client, message, auth=None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")
    assert not EmailEvent.objects.exists()


def test_wrong_secret_is_refused(client, tenant):
    message = email(tenant)
    response = deliver(client, message, auth="anyone:guess")
    assert response.status_code == 400
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert not EmailEvent.objects.exists()


def test_platform_secret_applies_platform_email(client, tenant):
    message = email(tenant)
    assert deliver(client, message).status_code == 200
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert message.delivered_at is not None


def test_own_account_email_needs_that_tenants_secret(client, tenant, other_tenant):
    own_credentials(tenant, "tenant-a:secret-a")
    own_credentials(other_tenant, "tenant-b:secret-b")
    message = email(tenant)
    # Another tenant's secret, and the platform's, don't vouch for this tenant's account.
    assert deliver(client, message, auth="tenant-b:secret-b").status_code == 400
    assert deliver(client, message, auth="platform").status_code == 400
    assert not EmailEvent.objects.exists()
    assert deliver(client, message, auth="tenant-a:secret-a").status_code == 200
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_email_sent_before_own_credentials_still_takes_platform_secret(client, tenant):
    message = email(tenant, created_at=timezone.now() - timedelta(days=1))
    own_credentials(tenant, "tenant-a:secret-a")
    assert deliver(client, message, auth="tenant-a:secret-a").status_code == 400
    assert deliver(client, message).status_code == 200


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe", b"{" + b" " * (400 * 1024) + b"}"],
)
def test_malformed_bodies_are_400(client, raw):
    response = sns.post(client, None, raw=raw)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_unreadable_ses_events_are_400(client, tenant):
    message = email(tenant)
    body = sns.notification("{not json")
    assert sns.post(client, body).status_code == 400
    bounce = sns.ses_event("Bounce", message.esp_message_id, message.to_number)
    del bounce["bounce"]["bouncedRecipients"]
    assert sns.post(client, sns.notification(bounce)).status_code == 400
    unknown_type = sns.notification(bounce) | {"Type": "Whatever"}
    assert sns.post(client, unknown_type).status_code == 400
    assert not EmailEvent.objects.exists()


def test_headers_must_match_the_body(client, tenant):
    message = email(tenant)
    body = sns.notification(sns.ses_event("Delivery", message.esp_message_id, message.to_number))
    response = client.post(
        sns.TRACKING_PATH,
        data=json.dumps(body),
        content_type="text/plain",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID="another-id",
        HTTP_AUTHORIZATION=sns.basic(sns.platform_secret()),
    )
    assert response.status_code == 400
    assert not EmailEvent.objects.exists()


def test_ses_validation_notice_is_accepted(client):
    body = sns.notification("Successfully validated SNS topic for Amazon SES event publishing.")
    assert sns.post(client, body).status_code == 200


# --- what events do ----------------------------------------------------------------------


def test_repeated_delivery_changes_nothing(client, tenant):
    message = email(tenant)
    body = sns.notification(sns.ses_event("Delivery", message.esp_message_id, message.to_number))
    assert sns.post(client, body).status_code == 200
    message.refresh_from_db()
    first = (message.status, message.delivered_at, message.updated_at)
    assert sns.post(client, body).status_code == 200
    message.refresh_from_db()
    assert (message.status, message.delivered_at, message.updated_at) == first
    assert EmailEvent.objects.filter(message=message).count() == 1


def test_statuses_move_forward_only(client, tenant):
    message = email(tenant)
    deliver(client, message, "Delivery")
    deliver(client, message, "Send")  # late
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    deliver(client, message, "Open")
    message.refresh_from_db()
    assert message.status == Status.OPENED
    assert message.read_at is not None
    assert EmailEvent.objects.filter(message=message).count() == 3
    assert list(
        EmailEvent.objects.filter(message=message).values_list("event_type", flat=True)
    ) == ["delivered", "sent", "opened"]


def test_hard_bounce_suppresses_with_the_ledger(client, tenant):
    message = email(tenant, to_number="Gone@Example.org")
    assert deliver(client, message, "Bounce").status_code == 200
    message.refresh_from_db()
    assert message.status == Status.UNDELIVERED
    assert "550 5.1.1" in message.error_message
    assert "Permanent" in message.error_message
    optout = OptOut.objects.get(tenant=tenant, channel="email")
    assert (optout.number, optout.source) == ("gone@example.org", OptOut.Source.BOUNCE)
    assert ConsentEvent.objects.filter(
        tenant=tenant, number="gone@example.org", action=ConsentEvent.Action.OPT_OUT
    ).exists()
    assert is_suppressed(tenant.pk, "GONE@example.org")


def test_soft_bounce_does_not_suppress(client, tenant):
    message = email(tenant)
    deliver(client, message, "Bounce", bounce_type="Transient", bounce_sub_type="MailboxFull")
    message.refresh_from_db()
    assert message.status == Status.UNDELIVERED
    assert not OptOut.objects.exists()


def test_complaint_marks_spam_and_suppresses(client, tenant):
    message = email(tenant)
    deliver(client, message, "Delivery")
    deliver(client, message, "Complaint")
    message.refresh_from_db()
    assert message.status == Status.COMPLAINED
    optout = OptOut.objects.get(tenant=tenant, number=message.to_number, channel="email")
    assert optout.source == OptOut.Source.COMPLAINT


def test_suppression_cancels_queued_email_and_lifts(client, tenant):
    sent = email(tenant, to_number="gone@example.org")
    queued = email(
        tenant,
        to_number="gone@example.org",
        esp_message_id=None,
        status=Status.QUEUED,
        status_rank=STATUS_RANK[Status.QUEUED],
    )
    deliver(client, sent, "Bounce")
    queued.refresh_from_db()
    assert queued.status == Status.FAILED
    assert unsuppress(tenant=tenant, address="Gone@example.org", actor=Actor.system())
    assert not is_suppressed(tenant.pk, "gone@example.org")


def test_broadcast_hears_final_statuses_once(client, tenant):
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs)

    signals.broadcast_message_final.connect(listen)
    try:
        message = email(tenant, origin=Message.Origin.BROADCAST)
        deliver(client, message, "Send")
        body = sns.notification(
            sns.ses_event("Delivery", message.esp_message_id, message.to_number)
        )
        sns.post(client, body)
        sns.post(client, body)
    finally:
        signals.broadcast_message_final.disconnect(listen)
    assert len(heard) == 1
    assert heard[0]["message_id"] == str(message.pk)
    assert heard[0]["tenant_id"] == tenant.pk
    assert heard[0]["status"] == Status.DELIVERED
    assert "error_code" in heard[0]


def test_tenant_webhooks_hear_the_status(client, tenant, monkeypatch):
    from webhooks import services as webhook_services
    from webhooks.models import WebhookDelivery
    from webhooks.tests.factories import EndpointFactory

    monkeypatch.setattr(webhook_services.enqueue, "deliveries", lambda ids: None)
    EndpointFactory(tenant=tenant)
    message = email(tenant)
    deliver(client, message, "Delivery")
    delivery = WebhookDelivery.objects.get(tenant=tenant, event_type="message.status")
    assert delivery.payload["data"]["status"] == Status.DELIVERED
    assert delivery.payload["data"]["channel"] == "email"


def test_event_for_an_unknown_email_is_ignored(client):
    event = sns.ses_event("Delivery", "no-such-id", "someone@example.org")
    assert sns.post(client, sns.notification(event)).status_code == 200
    assert not EmailEvent.objects.exists()


def test_event_rows_keep_what_ses_said(client, tenant):
    message = email(tenant)
    deliver(client, message, "Bounce")
    event = EmailEvent.objects.get(message=message)
    assert event.tenant_id == tenant.pk
    assert event.esp_name == "amazon_ses"
    assert event.event_type == "bounced"
    assert event.recipient == message.to_number
    assert event.mta_response.startswith("smtp; 550")
    assert json.dumps(event.payload)


def test_forged_subscription_confirmation_is_refused(client):
    body = {
        "Type": "SubscriptionConfirmation",
        "MessageId": "c0ffee00-0000-4000-8000-000000000001",
        "Token": "2336412f37fb687f5d51e6e2425f004aed",
        "TopicArn": "arn:aws:sns:us-east-1:999999999999:attacker",
        "SubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
        "Timestamp": "2026-12-01T10:00:00.000Z",
    }
    assert sns.post(client, body, auth="tenant-1-abcd:guess").status_code == 400
    assert sns.post(client, body, auth=None).status_code == 401


@pytest.mark.parametrize("header", ["Basic !!!", "Bearer abc", "Basic", "Basic " + "A" * 5000])
def test_garbled_authorization_is_refused(client, tenant, header):
    message = email(tenant)
    body = sns.notification(sns.ses_event("Delivery", message.esp_message_id, message.to_number))
    response = client.post(
        sns.TRACKING_PATH,
        data=json.dumps(body),
        content_type="text/plain",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID=body["MessageId"],
        HTTP_AUTHORIZATION=header,
    )
    assert response.status_code == 400
    assert not EmailEvent.objects.exists()


def test_odd_shapes_inside_a_notification_are_not_500(client, tenant):
    for inner in ({"mail": "text"}, {"mail": {"messageId": 5}}, [], {"eventType": "Received"}):
        response = sns.post(client, sns.notification(json.dumps(inner)))
        assert response.status_code in (200, 400), inner
    assert not EmailEvent.objects.exists()


def test_confirmation_with_a_stale_token_is_400(client):
    body = {
        "Type": "SubscriptionConfirmation",
        "MessageId": "c0ffee00-0000-4000-8000-000000000002",
        "Token": "0" * 64,
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:isvplatform-ses-events",
        "SubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
        "Timestamp": "2026-12-01T10:00:00.000Z",
    }
    response = sns.post(client, body)
    assert response.status_code == 400
    assert "confirmed" in response.json()["error"]["message"]
