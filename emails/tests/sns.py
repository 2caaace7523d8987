"""Building SNS notifications of SES events, as the local SES (and SES itself) posts them,
and posting them to the tracking webhook."""

import base64
import json
import uuid
from typing import Any

from django.conf import settings

TRACKING_PATH = "/anymail/amazon_ses/tracking/"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:isvplatform-events"


def platform_secret() -> str:
    return settings.ANYMAIL["WEBHOOK_SECRET"][0]


def ses_event(kind: str, message_id: str, to: str, **extra: Any) -> dict[str, Any]:
    """One SES event-publishing record ("Delivery", "Bounce", "Complaint", "Send", "Open")."""
    event: dict[str, Any] = {
        "eventType": kind,
        "mail": {
            "timestamp": "2026-12-01T10:00:00.000Z",
            "messageId": message_id,
            "source": "news@mail.example.com",
            "destination": [to],
            "headers": [],
        },
    }
    if kind == "Delivery":
        event["delivery"] = {"recipients": [to], "smtpResponse": "250 2.6.0 Message received"}
    elif kind == "Bounce":
        event["bounce"] = {
            "bounceType": extra.get("bounce_type", "Permanent"),
            "bounceSubType": extra.get("bounce_sub_type", "General"),
            "bouncedRecipients": [
                {"emailAddress": to, "diagnosticCode": "smtp; 550 5.1.1 user unknown"}
            ],
        }
    elif kind == "Complaint":
        event["complaint"] = {
            "complainedRecipients": [{"emailAddress": to}],
            "complaintFeedbackType": "abuse",
        }
    elif kind == "Open":
        event["open"] = {"userAgent": "Mozilla/5.0", "ipAddress": "192.0.2.1"}
    return event


def notification(message: Any, sns_id: str = "") -> dict[str, Any]:
    body = message if isinstance(message, str) else json.dumps(message)
    return {
        "Type": "Notification",
        "MessageId": sns_id or str(uuid.uuid4()),
        "TopicArn": TOPIC_ARN,
        "Message": body,
        "Timestamp": "2026-12-01T10:00:01.000Z",
        "SignatureVersion": "1",
        "Signature": "",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/cert.pem",
    }


def basic(secret: str) -> str:
    return "Basic " + base64.b64encode(secret.encode()).decode()


def post(client, body: Any, *, auth: str | None = "platform", raw: bytes | None = None):
    """POST as SNS does: the type and id headers, basic auth (`auth="platform"`: the
    platform's secret; None: none at all)."""
    headers: dict[str, str] = {}
    if isinstance(body, dict):
        headers["HTTP_X_AMZ_SNS_MESSAGE_TYPE"] = body.get("Type", "")
        headers["HTTP_X_AMZ_SNS_MESSAGE_ID"] = body.get("MessageId", "")
    if auth is not None:
        secret = platform_secret() if auth == "platform" else auth
        headers["HTTP_AUTHORIZATION"] = basic(secret)
    data = raw if raw is not None else json.dumps(body)
    return client.post(TRACKING_PATH, data=data, content_type="text/plain", **headers)
