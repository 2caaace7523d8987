"""SES event-publishing JSON and the SNS messages that carry it to subscribed endpoints.

The event JSON follows SES's "event publishing" format (`eventType`, `mail`, and the
event's own object); SNS wraps it, as a string, in a `Notification`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from urllib.parse import urlencode

from django.conf import settings

from sandbox.aws import signing
from sandbox.aws.models import (
    SesEmail,
    SesEvent,
    SesEventDestination,
    SnsDelivery,
    SnsSubscription,
    SnsTopic,
)

USER_AGENT = "Amazon Simple Notification Service Agent"
VALIDATION_TEXT = "Successfully validated SNS topic for Amazon SES event publishing."
REPORTING_MTA = "a8-30.smtp-out.amazonses.com"
_TYPES = {
    "Send": "SEND",
    "Delivery": "DELIVERY",
    "Bounce": "BOUNCE",
    "Complaint": "COMPLAINT",
    "Reject": "REJECT",
    "Open": "OPEN",
    "Click": "CLICK",
}


def iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def mail_object(email: SesEmail) -> dict:
    headers = email.headers
    first = {h["name"].lower(): h["value"] for h in reversed(headers)}
    common = {
        "from": [first.get("from", email.source)],
        "messageId": email.message_id,
        "subject": first.get("subject", ""),
    }
    for name, key in (("to", "to"), ("cc", "cc"), ("reply-to", "replyTo")):
        if name in first:
            common[key] = [a.strip() for a in first[name].split(",")]
    if "date" in first:
        common["date"] = first["date"]
    account_id = email.account.account_id
    return {
        "timestamp": iso(email.sent_at),
        "source": email.source,
        "sourceArn": f"arn:aws:ses:{email.region}:{account_id}:identity/"
        + email.destination.get("identity", email.source),
        "sendingAccountId": account_id,
        "messageId": email.message_id,
        "destination": email.destination.get("addresses", []),
        "headersTruncated": False,
        "headers": headers,
        "commonHeaders": common,
        "tags": email.tags,
    }


def _bounce(event: SesEvent, at: str) -> dict:
    suppressed = event.detail.get("outcome") == "suppressed"
    diagnostic = (
        "Amazon SES did not send the message to this address because it is on the "
        "suppression list for your account. For more information about removing addresses "
        "from the suppression list, see the Amazon SES Developer Guide."
        if suppressed
        else "smtp; 550 5.1.1 user unknown"
    )
    recipient = {"action": "failed", "status": "5.1.1", "diagnosticCode": diagnostic}
    return {
        "feedbackId": _feedback_id(event),
        "bounceType": "Permanent",
        "bounceSubType": "OnAccountSuppressionList" if suppressed else "General",
        "bouncedRecipients": [{"emailAddress": a, **recipient} for a in event.recipients],
        "timestamp": at,
        "reportingMTA": f"dns; {REPORTING_MTA}",
    }


def _feedback_id(event: SesEvent) -> str:
    digest = hashlib.sha256(f"{event.email.message_id}:{event.pk}".encode()).hexdigest()
    return (
        f"0100{digest[:12]}-{digest[12:20]}-{digest[20:24]}-{digest[24:28]}-{digest[28:40]}-000000"
    )


def ses_event(event: SesEvent) -> dict:
    """The JSON SES publishes for one event."""
    at = iso(event.due_at)
    body: dict = {"eventType": event.event_type, "mail": mail_object(event.email)}
    kind = event.event_type
    if kind == "Send":
        body["send"] = {}
    elif kind == "Delivery":
        body["delivery"] = {
            "timestamp": at,
            "processingTimeMillis": int(
                (event.due_at - event.email.sent_at).total_seconds() * 1000
            ),
            "recipients": event.recipients,
            "smtpResponse": "250 2.6.0 Message received",
            "reportingMTA": REPORTING_MTA,
        }
    elif kind == "Bounce":
        body["bounce"] = _bounce(event, at)
    elif kind == "Reject":
        body["reject"] = {"reason": "Bad content"}
    elif kind == "Complaint":
        body["complaint"] = {
            "feedbackId": _feedback_id(event),
            "complainedRecipients": [{"emailAddress": a} for a in event.recipients],
            "timestamp": at,
            "userAgent": "Amazon SES Mailbox Simulator",
            "complaintFeedbackType": "abuse",
            "arrivalDate": iso(event.email.sent_at),
        }
    elif kind in ("Open", "Click"):
        body[kind.lower()] = {
            "timestamp": at,
            "ipAddress": event.detail.get("ip", "192.0.2.1"),
            "userAgent": event.detail.get("user_agent", "Mozilla/5.0"),
        }
        if kind == "Click":
            body["click"].update({"link": event.detail.get("link", ""), "linkTags": {}})
    return body


def subscribe_url(subscription: SnsSubscription) -> str:
    """The URL that confirms with a GET, as SNS's `SubscribeURL` does."""
    query = urlencode(
        {
            "Action": "ConfirmSubscription",
            "TopicArn": subscription.topic.arn,
            "Token": subscription.token,
        }
    )
    return f"{settings.PUBLIC_BASE_URL}/sandbox/aws/?{query}"


def _envelope(topic: SnsTopic, message_type: str, message: str, at: dt.datetime, **extra) -> dict:
    body = {
        "Type": message_type,
        "MessageId": str(uuid.uuid4()),
        **extra,
        "TopicArn": topic.arn,
        "Message": message,
        "Timestamp": iso(at),
    }
    return signing.sign(body)


def confirmation(subscription: SnsSubscription, at: dt.datetime) -> SnsDelivery:
    topic = subscription.topic
    body = _envelope(
        topic,
        "SubscriptionConfirmation",
        f"You have chosen to subscribe to the topic {topic.arn}.\nTo confirm the "
        "subscription, visit the SubscribeURL included in this message.",
        at,
        Token=subscription.token,
        SubscribeURL=subscribe_url(subscription),
    )
    return SnsDelivery.objects.create(
        subscription=subscription,
        message_type="SubscriptionConfirmation",
        message_id=body["MessageId"],
        body=body,
        due_at=at,
    )


def notify(topic: SnsTopic, message: str, at: dt.datetime, event: SesEvent | None = None) -> int:
    """Queue a Notification to each confirmed subscription of the topic."""
    rows = []
    for subscription in topic.subscriptions.filter(confirmed=True):
        body = _envelope(topic, "Notification", message, at)
        body["UnsubscribeURL"] = f"{settings.PUBLIC_BASE_URL}/sandbox/aws/?" + urlencode(
            {"Action": "Unsubscribe", "SubscriptionArn": subscription.arn}
        )
        rows.append(
            SnsDelivery(
                subscription=subscription,
                message_type="Notification",
                message_id=body["MessageId"],
                body=body,
                event=event,
                due_at=at,
            )
        )
    SnsDelivery.objects.bulk_create(rows)
    return len(rows)


def publish_validation(destination: SesEventDestination, at: dt.datetime) -> None:
    topic = SnsTopic.objects.filter(arn=destination.sns_topic_arn).first()
    if topic is not None:
        notify(topic, VALIDATION_TEXT, at)


def publish(event: SesEvent, at: dt.datetime) -> int:
    """Send one due SES event to the SNS topics of its configuration set's destinations."""
    email = event.email
    wanted = _TYPES.get(event.event_type)
    if not email.configuration_set or wanted is None:
        return 0
    destinations = SesEventDestination.objects.filter(
        configuration_set__account=email.account,
        configuration_set__region=email.region,
        configuration_set__name=email.configuration_set,
        enabled=True,
    ).exclude(sns_topic_arn="")
    message = json.dumps(ses_event(event), separators=(",", ":"))
    sent = 0
    for destination in destinations:
        if wanted not in destination.matching_event_types:
            continue
        topic = SnsTopic.objects.filter(arn=destination.sns_topic_arn).first()
        if topic is not None:
            sent += notify(topic, message, at, event)
    return sent
