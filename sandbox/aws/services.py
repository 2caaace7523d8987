"""Accounts of the local AWS: the platform's (keys from settings, pre-provisioned with the
configuration set, SNS topic and confirmed tracking subscription) and tenants' own."""

from __future__ import annotations

import secrets
import string

from django.conf import settings
from django.db import IntegrityError, transaction

from sandbox import clock
from sandbox.aws import sns
from sandbox.aws.models import AwsAccount, SesConfigurationSet, SesEventDestination

PLATFORM_LABEL = "isvplatform"
EVENT_TYPES = [
    "SEND",
    "REJECT",
    "BOUNCE",
    "COMPLAINT",
    "DELIVERY",
    "OPEN",
    "CLICK",
    "RENDERING_FAILURE",
]
_KEY_ALPHABET = string.ascii_uppercase + string.digits


def _account_id() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(12))


def tracking_url() -> str:
    """The platform's anymail tracking webhook, with its basic-auth secret in the URL."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    scheme, _, host = base.partition("://")
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET") or [""]
    secret = secret[0] if isinstance(secret, list | tuple) else secret
    auth = f"{secret}@" if secret else ""
    return f"{scheme}://{auth}{host}/anymail/amazon_ses/tracking/"


def _create(label: str, key_id: str, secret: str) -> AwsAccount:
    return AwsAccount.objects.create(
        account_id=_account_id(),
        label=label,
        access_key_id=key_id,
        secret_access_key=secret,
        created_at=clock.now(),
    )


def provision_tracking(account: AwsAccount, region: str) -> None:
    """Configuration set `AWS_SES_CONFIGURATION_SET` publishing every event to an SNS topic
    with a confirmed subscription to the platform's tracking webhook."""
    now = clock.now()
    name = settings.AWS_SES_CONFIGURATION_SET
    config_set, _ = SesConfigurationSet.objects.get_or_create(
        account=account, region=region, name=name, defaults={"created_at": now}
    )
    topic = sns.topic_create(account, region, f"{name}-ses-events", now)
    SesEventDestination.objects.get_or_create(
        configuration_set=config_set,
        name="platform-tracking",
        defaults={
            "enabled": True,
            "matching_event_types": EVENT_TYPES,
            "sns_topic_arn": topic.arn,
            "definition": {
                "Enabled": True,
                "MatchingEventTypes": EVENT_TYPES,
                "SnsDestination": {"TopicArn": topic.arn},
            },
        },
    )
    protocol = tracking_url().partition(":")[0]
    sns.subscription_create(topic, protocol, tracking_url(), now, confirmed=True)


def ensure_platform_account() -> AwsAccount:
    """The platform's account (keys SANDBOX_AWS_*), created and provisioned on first use."""
    key_id = settings.SANDBOX_AWS_ACCESS_KEY_ID
    account = AwsAccount.objects.filter(access_key_id=key_id).first()
    if account is None:
        try:
            with transaction.atomic():
                account = _create(PLATFORM_LABEL, key_id, settings.SANDBOX_AWS_SECRET_ACCESS_KEY)
        except IntegrityError:
            account = AwsAccount.objects.get(access_key_id=key_id)
    elif account.secret_access_key.reveal() != settings.SANDBOX_AWS_SECRET_ACCESS_KEY:
        account.secret_access_key = settings.SANDBOX_AWS_SECRET_ACCESS_KEY
        account.save(update_fields=["secret_access_key"])
    with transaction.atomic():
        provision_tracking(account, settings.AWS_SES_REGION)
    return account


def ensure_platform_account_once() -> None:
    """`ensure_platform_account` unless its row exists (one query per request)."""
    if not AwsAccount.objects.filter(access_key_id=settings.SANDBOX_AWS_ACCESS_KEY_ID).exists():
        ensure_platform_account()


def account_create(label: str) -> tuple[str, str]:
    """A new AWS account (a tenant's own keys in tests): (access_key_id, secret)."""
    key_id = "AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
    secret = secrets.token_urlsafe(30)[:40]
    _create(label, key_id, secret)
    return key_id, secret


def set_production_access(access_key_id: str, enabled: bool) -> None:
    """Move an account into or out of the SES sandbox (AWS's support case, here a call):
    out of production, recipients must be verified too and the quota is 200 a day."""
    updated = AwsAccount.objects.filter(access_key_id=access_key_id).update(
        production_access=enabled
    )
    if not updated:
        raise LookupError(f"no AWS account with access key {access_key_id}")
