"""SNS operations (query API): topics, http(s) subscriptions and their confirmation."""

from __future__ import annotations

import re
import secrets
import uuid
from urllib.parse import urlsplit

from sandbox.aws import delivery, events
from sandbox.aws.errors import AwsError
from sandbox.aws.models import SnsSubscription, SnsTopic
from sandbox.aws.registry import SNS, Context, operation

PENDING = "pending confirmation"


def _topic(ctx: Context, arn: str) -> SnsTopic:
    topic = SnsTopic.objects.filter(arn=arn, account=ctx.account).first()
    if topic is None:
        raise AwsError("NotFound", "Topic does not exist", 404)
    return topic


def topic_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{account_id}:{name}"


def topic_create(
    ctx_account, region: str, name: str, now, attributes: dict | None = None
) -> SnsTopic:
    topic, _ = SnsTopic.objects.get_or_create(
        arn=topic_arn(region, ctx_account.account_id, name),
        defaults={
            "account": ctx_account,
            "region": region,
            "name": name,
            "attributes": attributes or {},
            "created_at": now,
        },
    )
    return topic


@operation(SNS, "CreateTopic")
def create_topic(ctx: Context, params: dict) -> dict:
    name = str(params["Name"])
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", name):
        raise AwsError(
            "InvalidParameter",
            "Invalid parameter: Topic Name",
        )
    topic = topic_create(ctx.account, ctx.region, name, ctx.now, params.get("Attributes"))
    return {"TopicArn": topic.arn}


@operation(SNS, "DeleteTopic")
def delete_topic(ctx: Context, params: dict) -> dict | None:
    SnsTopic.objects.filter(arn=params["TopicArn"], account=ctx.account).delete()
    return None


@operation(SNS, "ListTopics")
def list_topics(ctx: Context, params: dict) -> dict:
    topics = SnsTopic.objects.filter(account=ctx.account, region=ctx.region).order_by("id")
    return {"Topics": [{"TopicArn": t.arn} for t in topics]}


@operation(SNS, "GetTopicAttributes")
def get_topic_attributes(ctx: Context, params: dict) -> dict:
    topic = _topic(ctx, params["TopicArn"])
    subs = topic.subscriptions
    return {
        "Attributes": {
            **topic.attributes,
            "TopicArn": topic.arn,
            "Owner": ctx.account.account_id,
            "DisplayName": topic.attributes.get("DisplayName", ""),
            "SubscriptionsConfirmed": str(subs.filter(confirmed=True).count()),
            "SubscriptionsPending": str(subs.filter(confirmed=False).count()),
            "SubscriptionsDeleted": "0",
        }
    }


def subscription_create(
    topic: SnsTopic, protocol: str, endpoint: str, now, *, confirmed: bool
) -> SnsSubscription:
    existing = topic.subscriptions.filter(protocol=protocol, endpoint=endpoint).first()
    if existing is not None:
        return existing
    return SnsSubscription.objects.create(
        topic=topic,
        protocol=protocol,
        endpoint=endpoint,
        arn=f"{topic.arn}:{uuid.uuid4()}",
        token=secrets.token_hex(64),
        confirmed=confirmed,
        created_at=now,
        confirmed_at=now if confirmed else None,
    )


@operation(SNS, "Subscribe")
def subscribe(ctx: Context, params: dict) -> dict:
    topic = _topic(ctx, params["TopicArn"])
    protocol = str(params["Protocol"]).lower()
    endpoint = str(params.get("Endpoint") or "")
    if protocol not in ("http", "https"):
        raise AwsError(
            "InvalidParameter",
            f"Invalid parameter: The sandbox delivers only http and https, not {protocol}",
        )
    parts = urlsplit(endpoint)
    if parts.scheme != protocol or not parts.hostname:
        raise AwsError("InvalidParameter", "Invalid parameter: Endpoint")
    if parts.password and protocol != "https":
        raise AwsError(
            "InvalidParameter",
            "Invalid parameter: Endpoint (basic auth credentials are allowed only with https)",
        )
    subscription = subscription_create(topic, protocol, endpoint, ctx.now, confirmed=False)
    if not subscription.confirmed:
        events.confirmation(subscription, ctx.now)
    shown = (
        subscription.arn
        if subscription.confirmed or params.get("ReturnSubscriptionArn")
        else PENDING
    )
    return {"SubscriptionArn": shown}


def confirm(topic_arn_value: str, token: str, now, account=None) -> SnsSubscription:
    """Confirm by token (ConfirmSubscription, or a GET of the SubscribeURL)."""
    subscription = (
        SnsSubscription.objects.select_related("topic")
        .filter(token=token, topic__arn=topic_arn_value)
        .first()
    )
    if subscription is None or (
        account is not None and subscription.topic.account_id != account.id
    ):
        raise AwsError("InvalidParameter", "Invalid token", 400)
    if not subscription.confirmed:
        subscription.confirmed, subscription.confirmed_at = True, now
        subscription.save(update_fields=["confirmed", "confirmed_at"])
    return subscription


@operation(SNS, "ConfirmSubscription")
def confirm_subscription(ctx: Context, params: dict) -> dict:
    _topic(ctx, params["TopicArn"])
    subscription = confirm(params["TopicArn"], str(params["Token"]), ctx.now, ctx.account)
    if str(params.get("AuthenticateOnUnsubscribe", "")).lower() == "true":
        subscription.authenticate_on_unsubscribe = True
        subscription.save(update_fields=["authenticate_on_unsubscribe"])
    return {"SubscriptionArn": subscription.arn}


@operation(SNS, "Unsubscribe")
def unsubscribe(ctx: Context, params: dict) -> dict | None:
    deleted, _ = SnsSubscription.objects.filter(
        arn=params["SubscriptionArn"], topic__account=ctx.account
    ).delete()
    if not deleted:
        raise AwsError("NotFound", "Subscription does not exist", 404)
    return None


@operation(SNS, "ListSubscriptionsByTopic")
def list_subscriptions_by_topic(ctx: Context, params: dict) -> dict:
    topic = _topic(ctx, params["TopicArn"])
    return {
        "Subscriptions": [
            {
                "SubscriptionArn": s.arn if s.confirmed else "PendingConfirmation",
                "Owner": ctx.account.account_id,
                "Protocol": s.protocol,
                "Endpoint": delivery.masked(s.endpoint),
                "TopicArn": topic.arn,
            }
            for s in topic.subscriptions.order_by("id")
        ]
    }
