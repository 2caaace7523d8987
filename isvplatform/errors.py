"""Errors to Sentry, when SENTRY_DSN is set, with nothing secret in them.

Three layers, each enough on its own for what it covers: `send_default_pii=False` (no
cookies, users or client addresses), sentry-sdk's `EventScrubber` with our denylist added
(headers, request data, frame locals by name, recursively), and `before_send` /
`before_breadcrumb` running `isvplatform.logs.scrub` over the whole event, the same rules as
the logs: values under sensitive keys dropped, secret-looking text masked anywhere, in the
request, extra, breadcrumbs and every frame's variables and source lines.
"""

import logging
import warnings
from typing import Any

from isvplatform.logs import SENSITIVE_KEYS, scrub

# Added to sentry-sdk's DEFAULT_DENYLIST (which knows password, token, secret, api_key,
# authorization, cookie, csrf…): ours, message bodies, and the Twilio/Stripe headers.
EXTRA_DENYLIST = sorted(
    {
        *SENSITIVE_KEYS,
        "auth_token",
        "api_key",
        "raw_key",
        "x_twilio_signature",
        "x-twilio-signature",
        "stripe-signature",
        "stripe_signature",
        "body",
        "Body",
        "text",
        "content",
        "message_body",
        "encryption_keys",
    }
)


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """The whole event through the log redaction (keys and patterns)."""
    return scrub(event)


def before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Breadcrumbs hold log messages and SQL before our formatter ever saw them."""
    message = crumb.get("message")
    if isinstance(message, dict):  # a structlog event handed to stdlib logging as is
        crumb["message"] = message.get("event", "")
        crumb.setdefault("data", {}).update({k: v for k, v in message.items() if k != "event"})
    return scrub(crumb)


def sentry_init(dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Start sentry-sdk for Django and Celery (called from the settings when a DSN is set)."""
    import sentry_sdk

    # sentry-sdk 2.75 calls send_default_pii deprecated in favour of `data_collection`, but
    # with `data_collection` it ignores the EventScrubber: the old option, quietly, keeps both.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The send_default_pii option", DeprecationWarning)
        _init(sentry_sdk, dsn, environment, traces_sample_rate)


def _init(sentry_sdk, dsn: str, environment: str, traces_sample_rate: float) -> None:
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration
    from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        event_scrubber=EventScrubber(
            denylist=sorted({*DEFAULT_DENYLIST, *EXTRA_DENYLIST}),
            pii_denylist=DEFAULT_PII_DENYLIST,
            recursive=True,
        ),
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=before_breadcrumb,
        max_request_body_size="small",
        traces_sample_rate=traces_sample_rate,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
    )
