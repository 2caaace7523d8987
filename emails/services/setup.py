"""Calling SES/SNS through `emails.esp`, and setting up a tenant's own account so its events
reach the platform: a configuration set whose event destination is an SNS topic, subscribed
to the tracking webhook with the tenant's basic-auth secret.

Every step is idempotent (an existing set, destination or topic is reused; SNS answers a
repeated Subscribe with the same subscription), so the task can simply run again.
"""

import logging
from typing import Any

from django.utils import timezone

from emails.models import EspCredentials
from isvplatform.public import public_is_https, public_netloc

logger = logging.getLogger(__name__)

TRACKING_PATH = "/anymail/amazon_ses/tracking/"
HTTPS_NEEDED = (
    "SNS sends the webhook's basic auth only to https endpoints; the platform's "
    "PUBLIC_BASE_URL must be https to use a tenant's own SES account."
)
EVENT_DESTINATION = "isvplatform-tracking"
EVENT_TYPES = [
    "SEND",
    "REJECT",
    "BOUNCE",
    "COMPLAINT",
    "DELIVERY",
    "OPEN",
    "CLICK",
    "RENDERING_FAILURE",
    "DELIVERY_DELAY",
]


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    """One SES/SNS call, its failures as `emails.esp` errors (retryable or refused)."""
    from emails import esp

    with esp.translate_errors():
        return getattr(client, operation)(**params)


def error_code(err: Exception) -> str:
    return str(getattr(err, "code", "") or type(err).__name__)


def refused_as(err: Exception, code: str) -> bool:
    """Whether the ESP refused the call with `code` (e.g. "AlreadyExistsException"): an
    answer, unlike a passing trouble."""
    from emails import esp

    return not isinstance(err, esp.RetryableEspError) and error_code(err) == code


def error_message(err: Exception) -> str:
    return str(getattr(err, "message", "") or err)[:500]


def tracking_url(secret: str) -> str:
    """The webhook URL with its basic auth inlined, as SNS subscriptions carry it."""
    scheme = "https" if public_is_https() else "http"
    return f"{scheme}://{secret}@{public_netloc()}{TRACKING_PATH}"


def configuration_set_name(tenant_id: int) -> str:
    return f"isvplatform-t{tenant_id}"


def _ensure_configuration_set(ses: Any, name: str) -> None:
    from emails import esp

    try:
        call(ses, "create_configuration_set", ConfigurationSetName=name)
    except esp.EspError as err:
        if not refused_as(err, "AlreadyExistsException"):
            raise


def _ensure_destination(ses: Any, name: str, topic_arn: str) -> None:
    from emails import esp

    try:
        call(
            ses,
            "create_configuration_set_event_destination",
            ConfigurationSetName=name,
            EventDestinationName=EVENT_DESTINATION,
            EventDestination={
                "Enabled": True,
                "MatchingEventTypes": EVENT_TYPES,
                "SnsDestination": {"TopicArn": topic_arn},
            },
        )
    except esp.EspError as err:
        if not refused_as(err, "AlreadyExistsException"):
            raise


def provision(credentials: EspCredentials) -> str:
    """Configuration set, topic, destination and subscription in the tenant's account;
    returns the topic's ARN."""
    from emails import esp

    name = credentials.configuration_set or configuration_set_name(credentials.tenant_id)
    ses = esp.ses_client(credentials=credentials)
    sns = esp.ses_client(credentials=credentials, service="sns")
    _ensure_configuration_set(ses, name)
    topic_arn = call(sns, "create_topic", Name=f"{name}-events")["TopicArn"]
    _ensure_destination(ses, name, topic_arn)
    url = tracking_url(credentials.webhook_secret.reveal())
    call(
        sns,
        "subscribe",
        TopicArn=topic_arn,
        Protocol=url.split("://", 1)[0],
        Endpoint=url,
        ReturnSubscriptionArn=True,
    )
    return topic_arn


def _failed(credentials_id: str, reason: str) -> str:
    """The account can't publish its events to the platform: it isn't used (the platform's
    account sends the tenant's email) until the keys are saved again."""
    EspCredentials.objects.filter(pk=credentials_id).update(
        status=EspCredentials.Status.FAILED,
        check_error=f"Setting up event publishing failed: {reason}"[:500],
        updated_at=timezone.now(),
    )
    return EspCredentials.Status.FAILED


def credentials_setup(credentials_id: str) -> str:
    """The task's work: provision (idempotent, so two runs at once do no harm; no row is
    locked across the calls) and record the outcome. A retryable ESP error is raised for
    the task to retry with backoff."""
    from emails import esp

    credentials = EspCredentials.objects.filter(pk=credentials_id).first()
    if credentials is None:
        return "missing"
    name = credentials.configuration_set or configuration_set_name(credentials.tenant_id)
    if not public_is_https():
        return _failed(credentials_id, HTTPS_NEEDED)
    try:
        provision(credentials)
    except esp.RetryableEspError:
        raise
    except esp.EspError as err:
        return _failed(credentials_id, error_message(err))
    EspCredentials.objects.filter(pk=credentials_id).update(
        configuration_set=name, updated_at=timezone.now()
    )
    return credentials.status
