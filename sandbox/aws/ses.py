"""SES v2 operations other than sending: identities, the account, configuration sets."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings

from sandbox.aws import events, verification
from sandbox.aws.errors import AwsError
from sandbox.aws.models import SesConfigurationSet, SesEmail, SesEventDestination, SesIdentity
from sandbox.aws.registry import SES, Context, operation

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ADDRESS = re.compile(r"^[^@\s]{1,64}@([^@\s]{1,253})$")
_TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
EVENT_TYPES = {
    "SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK",
    "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION",
}  # fmt: skip


def _identity_type(name: str) -> str:
    address = _ADDRESS.match(name)
    if address and _DOMAIN.match(address.group(1).lower()):
        return SesIdentity.Type.EMAIL_ADDRESS
    if "@" not in name and _DOMAIN.match(name.lower()):
        return SesIdentity.Type.DOMAIN
    raise AwsError("BadRequestException", f"Invalid email identity: {name}")


def _token() -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(32))


def _find(ctx: Context, name: str) -> SesIdentity:
    identity = SesIdentity.objects.filter(
        account=ctx.account, region=ctx.region, name__iexact=name
    ).first()
    if identity is None:
        raise AwsError("NotFoundException", f"Email identity {name} does not exist.", 404)
    return identity


def _dkim(identity: SesIdentity) -> dict:
    if identity.type == SesIdentity.Type.EMAIL_ADDRESS:
        return {"SigningEnabled": False, "Status": "NOT_STARTED", "Tokens": []}
    return {
        "SigningEnabled": True,
        "Status": identity.status,
        "Tokens": list(identity.dkim_tokens),
        "SigningAttributesOrigin": "AWS_SES",
        "NextSigningKeyLength": "RSA_2048_BIT",
        "CurrentSigningKeyLength": "RSA_2048_BIT",
        "LastKeyGenerationTimestamp": identity.created_at,
    }


@operation(SES, "CreateEmailIdentity")
def create_email_identity(ctx: Context, params: dict) -> dict:
    name = str(params["EmailIdentity"]).strip()
    kind = _identity_type(name)
    if kind == SesIdentity.Type.DOMAIN:
        name = name.lower()
    if SesIdentity.objects.filter(
        account=ctx.account, region=ctx.region, name__iexact=name
    ).exists():
        raise AwsError("AlreadyExistsException", f"Email identity {name} already exist.")
    delay = dt.timedelta(seconds=float(settings.SANDBOX_SES_VERIFY_SECONDS))
    identity = SesIdentity.objects.create(
        account=ctx.account,
        region=ctx.region,
        name=name,
        type=kind,
        dkim_tokens=[_token() for _ in range(3)] if kind == SesIdentity.Type.DOMAIN else [],
        configuration_set=params.get("ConfigurationSetName") or "",
        tags=params.get("Tags") or [],
        created_at=ctx.now,
        verify_at=ctx.now + delay,
    )
    if kind == SesIdentity.Type.EMAIL_ADDRESS:
        verification.send(identity, ctx.now)
    return {
        "IdentityType": identity.type,
        "VerifiedForSendingStatus": False,
        "DkimAttributes": _dkim(identity),
    }


@operation(SES, "GetEmailIdentity")
def get_email_identity(ctx: Context, params: dict) -> dict:
    identity = _find(ctx, params["EmailIdentity"])
    verified = identity.status == SesIdentity.Status.SUCCESS
    answer = {
        "IdentityType": identity.type,
        "FeedbackForwardingStatus": True,
        "VerifiedForSendingStatus": verified,
        "DkimAttributes": _dkim(identity),
        "Policies": {},
        "Tags": identity.tags,
        "VerificationStatus": identity.status,
        "VerificationInfo": {"LastCheckedTimestamp": identity.verified_at or ctx.now},
    }
    if verified:
        answer["VerificationInfo"]["LastSuccessTimestamp"] = identity.verified_at
    if identity.status == SesIdentity.Status.FAILED:
        answer["VerificationInfo"]["ErrorType"] = "HOST_NOT_FOUND"
    if identity.configuration_set:
        answer["ConfigurationSetName"] = identity.configuration_set
    return answer


@operation(SES, "DeleteEmailIdentity")
def delete_email_identity(ctx: Context, params: dict) -> dict:
    _find(ctx, params["EmailIdentity"]).delete()
    return {}


@operation(SES, "ListEmailIdentities")
def list_email_identities(ctx: Context, params: dict) -> dict:
    size = int(params.get("PageSize") or 100)
    if not 1 <= size <= 1000:
        raise AwsError("BadRequestException", "PageSize must be between 1 and 1000.")
    start = _offset(params.get("NextToken"))
    rows = list(
        SesIdentity.objects.filter(account=ctx.account, region=ctx.region)[start : start + size + 1]
    )
    answer = {
        "EmailIdentities": [
            {
                "IdentityType": i.type,
                "IdentityName": i.name,
                "SendingEnabled": True,
                "VerificationStatus": i.status,
            }
            for i in rows[:size]
        ]
    }
    if len(rows) > size:
        answer["NextToken"] = str(start + size)
    return answer


def _offset(token) -> int:
    if not token:
        return 0
    if not str(token).isdigit():
        raise AwsError("BadRequestException", "Invalid NextToken.")
    return int(token)


@operation(SES, "GetAccount")
def get_account(ctx: Context, params: dict) -> dict:
    since = ctx.now - dt.timedelta(hours=24)
    sent = SesEmail.objects.filter(
        account=ctx.account, region=ctx.region, sent_at__gte=since, auto_reply_to__isnull=True
    ).exclude(source=verification.SENDER)
    production = ctx.account.production_access
    return {
        "DedicatedIpAutoWarmupEnabled": True,
        "EnforcementStatus": "HEALTHY",
        "ProductionAccessEnabled": production,
        "SendingEnabled": True,
        "SendQuota": {
            "Max24HourSend": 50000.0 if production else 200.0,
            "MaxSendRate": 14.0 if production else 1.0,
            "SentLast24Hours": float(sent.count()),
        },
        "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
    }


def config_set(ctx: Context, name: str) -> SesConfigurationSet:
    found = SesConfigurationSet.objects.filter(
        account=ctx.account, region=ctx.region, name=name
    ).first()
    if found is None:
        raise AwsError("NotFoundException", f"Configuration set <{name}> does not exist.", 404)
    return found


@operation(SES, "CreateConfigurationSet")
def create_configuration_set(ctx: Context, params: dict) -> dict:
    name = str(params["ConfigurationSetName"])
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
        raise AwsError("BadRequestException", f"Invalid configuration set name <{name}>.")
    if SesConfigurationSet.objects.filter(
        account=ctx.account, region=ctx.region, name=name
    ).exists():
        raise AwsError("AlreadyExistsException", f"Configuration set <{name}> already exists.")
    SesConfigurationSet.objects.create(
        account=ctx.account, region=ctx.region, name=name, created_at=ctx.now
    )
    return {}


@operation(SES, "GetConfigurationSet")
def get_configuration_set(ctx: Context, params: dict) -> dict:
    found = config_set(ctx, params["ConfigurationSetName"])
    return {
        "ConfigurationSetName": found.name,
        "SendingOptions": {"SendingEnabled": True},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
    }


@operation(SES, "DeleteConfigurationSet")
def delete_configuration_set(ctx: Context, params: dict) -> dict:
    config_set(ctx, params["ConfigurationSetName"]).delete()
    return {}


def _definition(params: dict) -> tuple[bool, list[str], str]:
    definition = params.get("EventDestination") or {}
    types = [str(t).upper() for t in definition.get("MatchingEventTypes") or []]
    unknown = sorted(set(types) - EVENT_TYPES)
    if unknown:
        raise AwsError("BadRequestException", f"Invalid event type: {unknown[0]}")
    topic = (definition.get("SnsDestination") or {}).get("TopicArn", "")
    return bool(definition.get("Enabled", False)), types, topic


@operation(SES, "CreateConfigurationSetEventDestination")
def create_event_destination(ctx: Context, params: dict) -> dict:
    found = config_set(ctx, params["ConfigurationSetName"])
    name = str(params["EventDestinationName"])
    if found.destinations.filter(name=name).exists():
        raise AwsError("AlreadyExistsException", f"Event destination {name} already exists.")
    enabled, types, topic = _definition(params)
    if not types:
        raise AwsError("BadRequestException", "MatchingEventTypes is required.")
    destination = SesEventDestination.objects.create(
        configuration_set=found,
        name=name,
        enabled=enabled,
        matching_event_types=types,
        sns_topic_arn=topic,
        definition=params.get("EventDestination") or {},
    )
    if enabled and topic:
        events.publish_validation(destination, ctx.now)
    return {}


@operation(SES, "GetConfigurationSetEventDestinations")
def get_event_destinations(ctx: Context, params: dict) -> dict:
    found = config_set(ctx, params["ConfigurationSetName"])
    return {
        "EventDestinations": [
            {
                "Name": d.name,
                "Enabled": d.enabled,
                "MatchingEventTypes": d.matching_event_types,
                **({"SnsDestination": {"TopicArn": d.sns_topic_arn}} if d.sns_topic_arn else {}),
            }
            for d in found.destinations.order_by("id")
        ]
    }


@operation(SES, "DeleteConfigurationSetEventDestination")
def delete_event_destination(ctx: Context, params: dict) -> dict:
    found = config_set(ctx, params["ConfigurationSetName"])
    deleted, _ = found.destinations.filter(name=params["EventDestinationName"]).delete()
    if not deleted:
        raise AwsError("NotFoundException", "Event destination does not exist.", 404)
    return {}
