"""Mailbox-simulator outcomes published as SES events through SNS to anymail's view."""

from __future__ import annotations

import json

from django.conf import settings

from sandbox import clock
from sandbox.aws.models import SesEmail, SnsDelivery, SnsDeliveryAttempt, SnsSubscription
from sandbox.aws.tests.test_ses_api import client


def send(sender: str, *to: str, subject: str = "Hello") -> str:
    return client().send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": list(to)},
        Content={
            "Simple": {
                "Subject": {"Data": subject},
                "Body": {"Text": {"Data": "Hi"}, "Html": {"Data": "<p>Hi</p>"}},
            }
        },
        ConfigurationSetName=settings.AWS_SES_CONFIGURATION_SET,
    )["MessageId"]


def by_type(events, message_id):
    found = {}
    for event in events:
        assert event.message_id == message_id
        found.setdefault(event.event_type, []).append(event)
    return found


def test_success_is_sent_then_delivered_to_anymail(sender, tracked):
    message_id = send(sender, "success@simulator.amazonses.com")
    clock.advance(1)
    events = by_type(tracked, message_id)
    assert set(events) == {"sent", "delivered"}
    delivered = events["delivered"][0]
    assert delivered.recipient == "success@simulator.amazonses.com"
    assert delivered.mta_response == "250 2.6.0 Message received"
    assert delivered.esp_event["mail"]["tags"]["ses:configuration-set"] == ["isvplatform"]
    attempts = SnsDeliveryAttempt.objects.all()
    assert attempts.count() == 2
    assert all(a.status_code == 200 and a.authenticated for a in attempts)


def test_bounce_complaint_ooto_and_suppression_list(sender, tracked):
    message_id = send(
        sender,
        "bounce+first@simulator.amazonses.com",
        "complaint@simulator.amazonses.com",
        "ooto@simulator.amazonses.com",
        "suppressionlist@simulator.amazonses.com",
    )
    clock.advance(5)
    events = by_type(tracked, message_id)
    bounces = {e.recipient: e for e in events["bounced"]}
    assert bounces["bounce+first@simulator.amazonses.com"].description == "Permanent: General"
    assert bounces["bounce+first@simulator.amazonses.com"].mta_response == (
        "smtp; 550 5.1.1 user unknown"
    )
    suppressed = bounces["suppressionlist@simulator.amazonses.com"]
    assert suppressed.description == "Permanent: OnAccountSuppressionList"
    assert {e.recipient for e in events["delivered"]} == {
        "complaint@simulator.amazonses.com",
        "ooto@simulator.amazonses.com",
    }
    (complaint,) = events["complained"]
    assert complaint.recipient == "complaint@simulator.amazonses.com"
    assert complaint.reject_reason == "spam"
    reply = SesEmail.objects.get(auto_reply_to__message_id=message_id)
    assert reply.source == "ooto@simulator.amazonses.com"
    assert reply.recipients.get().address == "news@shop.example.com"


def test_subscribe_confirm_and_notify_an_http_endpoint(platform, sns_endpoint, settings):
    sns = client("sns")
    ses = client()
    arn = sns.create_topic(Name="events")["TopicArn"]
    sns_endpoint.challenge.add("mine")
    settings.PUBLIC_BASE_URL = "https://platform.test"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "platform.test"]
    url = "https://user:pa%3Ass@platform.test/sns/mine"
    assert sns.subscribe(TopicArn=arn, Protocol="https", Endpoint=url)["SubscriptionArn"] == (
        "pending confirmation"
    )
    clock.advance(1)
    unauthenticated, confirmation = sns_endpoint.named("mine")
    assert not unauthenticated.authorization
    assert confirmation.authorization.startswith("Basic ")
    body = confirmation.body
    assert (
        body["Type"] == "SubscriptionConfirmation" == confirmation.headers["x-amz-sns-message-type"]
    )
    assert body["MessageId"] == confirmation.headers["x-amz-sns-message-id"]
    assert body["TopicArn"] == arn and body["Token"] and "Token=" in body["SubscribeURL"]
    confirmed = sns.confirm_subscription(TopicArn=arn, Token=body["Token"])
    assert SnsSubscription.objects.get(arn=confirmed["SubscriptionArn"]).confirmed
    listed = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert listed[0]["Endpoint"] == url.replace("pa%3Ass", "****")

    ses.create_configuration_set(ConfigurationSetName="mine")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="mine",
        EventDestinationName="to-sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["DELIVERY"],
            "SnsDestination": {"TopicArn": arn},
        },
    )
    ses.create_email_identity(EmailIdentity="me@example.org")
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    message_id = ses.send_email(
        FromEmailAddress="me@example.org",
        Destination={"ToAddresses": ["friend@example.net"]},
        Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
        ConfigurationSetName="mine",
    )["MessageId"]
    clock.advance(2)
    notifications = [p for p in sns_endpoint.named("mine", authorized=True)[1:]]
    validation, delivery = (p.body for p in notifications)
    assert validation["Message"] == (
        "Successfully validated SNS topic for Amazon SES event publishing."
    )
    assert delivery["Type"] == "Notification"
    event = json.loads(delivery["Message"])
    assert event["eventType"] == "Delivery"
    assert event["mail"]["messageId"] == message_id
    assert event["delivery"]["recipients"] == ["friend@example.net"]
    assert notifications[1].headers["x-amz-sns-subscription-arn"] == confirmed["SubscriptionArn"]


def test_failed_deliveries_are_retried_as_sns_retries(platform, sns_endpoint, settings):
    sns = client("sns")
    arn = sns.create_topic(Name="flaky")["TopicArn"]
    sns_endpoint.answers["flaky"] = [500, 503]
    sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=f"{settings.PUBLIC_BASE_URL}/sns/flaky")
    clock.advance(1)
    delivery = SnsDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    clock.advance(20)
    clock.advance(20)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert [a.status_code for a in delivery.attempt_set.all()] == [500, 503, 200]


def test_anymail_auto_confirms_a_subscription_through_the_sandbox(
    platform, anymail_on_sandbox, settings
):
    sns = client("sns")
    arn = sns.create_topic(Name="tenant-events")["TopicArn"]
    secret = settings.ANYMAIL["WEBHOOK_SECRET"][0]
    settings.PUBLIC_BASE_URL = "https://platform.test"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "platform.test"]
    endpoint = f"https://{secret}@platform.test/anymail/amazon_ses/tracking/"
    sns.subscribe(TopicArn=arn, Protocol="https", Endpoint=endpoint)
    clock.advance(1)
    subscription = SnsSubscription.objects.get(topic__arn=arn)
    assert subscription.confirmed and subscription.authenticate_on_unsubscribe


def test_attempts_show_in_the_callback_log_without_secrets(sender, tracked, settings):
    import base64

    from django.test import Client as DjangoClient

    from sandbox.core.auth import ensure_master_account

    send(sender, "success@simulator.amazonses.com")
    clock.advance(1)
    ensure_master_account()
    token = f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}"
    auth = "Basic " + base64.b64encode(token.encode()).decode()
    log = DjangoClient().get("/sandbox/callbacks", HTTP_AUTHORIZATION=auth).json()
    attempts = log["sns_attempts"]
    assert {a["message_type"] for a in attempts} == {"Notification"}
    password = settings.ANYMAIL["WEBHOOK_SECRET"][0].split(":", 1)[1]
    assert all(password not in a["endpoint"] and ":****@" in a["endpoint"] for a in attempts)


def test_an_identitys_default_configuration_set_applies(platform, tracked):
    ses = client()
    ses.create_email_identity(
        EmailIdentity="brand.example.com", ConfigurationSetName=settings.AWS_SES_CONFIGURATION_SET
    )
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    message_id = ses.send_email(
        FromEmailAddress="hi@brand.example.com",
        Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
        Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
    )["MessageId"]
    clock.advance(1)
    assert {e.event_type for e in tracked if e.message_id == message_id} == {"sent", "delivered"}


def test_sns_messages_are_signed_with_the_served_certificate(platform, sns_endpoint, settings):
    import base64

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from django.test import Client as DjangoClient

    from sandbox.aws.signing import canonical

    sns = client("sns")
    arn = sns.create_topic(Name="signed")["TopicArn"]
    sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=f"{settings.PUBLIC_BASE_URL}/sns/s")
    clock.advance(1)
    [post] = sns_endpoint.named("s")
    body = post.body
    assert body["SignatureVersion"] == "1"
    path = body["SigningCertURL"].removeprefix(settings.PUBLIC_BASE_URL)
    pem = DjangoClient().get(path)
    assert pem.status_code == 200
    public_key = x509.load_pem_x509_certificate(pem.content).public_key()
    signature = base64.b64decode(body["Signature"])
    public_key.verify(signature, canonical(body), padding.PKCS1v15(), hashes.SHA1())
    assert b"Token\n" + body["Token"].encode() in canonical(body)
    assert DjangoClient().get("/sandbox/aws/SimpleNotificationService-abc.pem").status_code == 404


def test_callback_faults_duplicate_and_drop_sns_deliveries(sender, tracked):
    from sandbox import faults

    with faults.injected(duplicate_callbacks=1.0):
        message_id = send(sender, "success@simulator.amazonses.com")
        clock.advance(1)
    sent = [e for e in tracked if e.message_id == message_id and e.event_type == "sent"]
    assert len(sent) == 2 and sent[0].event_id == sent[1].event_id
    tracked.clear()
    with faults.injected(drop_callbacks=1.0):
        send(sender, "success@simulator.amazonses.com")
        clock.advance(1)
    assert tracked == []
    assert SnsDelivery.objects.filter(status="failed", last_error="dropped (fault)").count() == 2


def test_a_virus_is_accepted_then_rejected(sender, tracked):
    eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    message_id = client().send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["pat@example.net"]},
        Content={
            "Simple": {
                "Subject": {"Data": "invoice"},
                "Body": {"Text": {"Data": "attached"}},
                "Attachments": [{"RawContent": eicar, "FileName": "eicar.com"}],
            }
        },
        ConfigurationSetName=settings.AWS_SES_CONFIGURATION_SET,
    )["MessageId"]
    clock.advance(2)
    events = by_type(tracked, message_id)
    assert set(events) == {"sent", "rejected"}
    assert events["rejected"][0].description == "Bad content"
    assert events["rejected"][0].reject_reason == "blocked"
    from sandbox.testing import ses_emails

    assert ses_emails("pat@example.net") == []
