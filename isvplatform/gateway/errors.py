"""The platform's own Twilio errors, so callers never catch SDK or `requests` exceptions.

`translate_errors()` turns whatever the SDK or the network raised into one small hierarchy:

- `RetryableGatewayError`: 429 / 20429, 5xx or a network failure that the HTTP client's own
  retries could not get past; a task may try again later.
- `AuthenticationError` (20003 / 401), `NotFoundError` (20404 / 404) and `RejectedRequest`
  (any other 4xx): Twilio understood the request and said no; retrying changes nothing.

Every error carries Twilio's code, the HTTP status and a message a person can act on.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException

ERROR_DOCS_URL = "https://www.twilio.com/docs/errors/{code}"

# Plain-language explanations of the codes the platform meets most, shown before Twilio's own
# (often terse) message. Delivery codes (30xxx, 63xxx) arrive in status callbacks rather than as
# exceptions; `describe_error` serves those too.
ERROR_EXPLANATIONS: dict[int, str] = {
    10001: "The Twilio account is not active (suspended or closed), so it cannot make requests.",
    11200: "Twilio could not fetch the webhook URL (timeout or HTTP error).",
    14107: "Too many replies between the same two numbers in a short time (reply loop); "
    "messages are blocked for 30 seconds.",
    20003: "Twilio rejected the account credentials (wrong Account SID or auth token).",
    20404: "The Twilio resource does not exist (or belongs to another account).",
    20429: "Too many concurrent requests to Twilio; the request was not processed.",
    21211: "The 'To' phone number is not a valid phone number.",
    21212: "The 'From' number is not a valid phone number, short code or sender ID.",
    21408: "Sending to this region is not enabled in the account's geographic permissions.",
    21421: "The phone number to buy is not a valid phone number.",
    21422: "The phone number is not available to buy any more; search again.",
    21452: "No phone numbers are available in that area code; try another one.",
    21476: "The subaccount's status cannot change while its parent account is suspended.",
    21478: "Twilio suspended this subaccount; only Twilio support can reactivate it.",
    21479: "The subaccount is closed; closing is permanent and it cannot be reactivated.",
    21602: "The message needs a body, media or a content template.",
    21606: "The 'From' number is not a message-capable number of this account.",
    21608: "Trial accounts can only send to verified numbers.",
    21610: "The recipient has opted out of messages from this sender (replied STOP); "
    "they must reply START before they can receive messages again.",
    21611: "The sender's queue holds more than 10 hours of messages; slow down.",
    21612: "The 'To' number cannot be reached from this sender (unroutable pair).",
    21614: "The 'To' number is not a mobile number, so it cannot receive SMS.",
    21617: "The message body is longer than 1,600 characters.",
    30001: "Delivery failed: the sender's queue overflowed.",
    30002: "Delivery failed: the account is suspended.",
    30003: "Delivery failed: the handset is unreachable (off or out of coverage).",
    30004: "Delivery failed: the recipient or their carrier blocked the message.",
    30005: "Delivery failed: the number is unknown or no longer in service.",
    30006: "Delivery failed: the number is a landline or its carrier is unreachable.",
    30007: "Delivery failed: the carrier filtered the message (spam or content violation).",
    30008: "Delivery failed for an unknown reason at the carrier.",
    30022: "The carrier rejected the message for exceeding the 10DLC campaign's throughput.",
    30024: "The sender number is not yet provisioned with the carriers for 10DLC.",
    30027: "The brand reached T-Mobile's daily message cap.",
    30032: "The toll-free number is not verified.",
    30034: "The US sender number is not registered to an approved A2P 10DLC campaign.",
    30036: "The message expired in the queue before it could be sent (validity period).",
    30610: "The message was blocked during quiet hours.",
    35115: "The scheduled send time must be between 5 minutes and 35 days ahead.",
    57012: "The webhook signature did not validate.",
    60200: "A request parameter was invalid.",
    60202: "Too many verification check attempts (the limit is 5).",
    60203: "Too many verification send attempts (the limit is 5).",
    63003: "The WhatsApp destination is not a valid WhatsApp user.",
    63016: "The WhatsApp 24-hour customer-service window was closed when the message went "
    "out: outside it only approved templates can be sent, until the contact writes again.",
    63017: "The account exceeded 2,000 messages per second.",
    63018: "The WhatsApp sender exceeded its rate limit.",
    63020: "The business has not accepted the Meta (WhatsApp) invitation yet.",
    63021: "The WhatsApp template with its variables filled in exceeds 1,024 characters.",
    63040: "The WhatsApp template was rejected by Meta, so it cannot be sent.",
    63041: "The WhatsApp template is paused by Meta for low quality; sends resume when the "
    "pause ends.",
    63042: "The WhatsApp template was disabled by Meta for repeated low quality.",
}

# Verify's limits answer 429 too, but as final answers about one verification or number (5
# checks, 5 sends, too many pending to one number): repeating the request changes nothing.
FINAL_429_CODES = frozenset({60202, 60203, 60212})

_SDK_PREFIX = re.compile(r"^Unable to (?:create|fetch|update|delete|read) records?:\s*")


def describe_error(code: int | None) -> str | None:
    """The plain-language explanation of a Twilio error code, if the platform knows it."""
    if code is None:
        return None
    return ERROR_EXPLANATIONS.get(code)


class GatewayError(Exception):
    """A Twilio call failed; `.code`, `.status`, `.message` and `.more_info` say why."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        more_info: str | None = None,
        twilio_message: str = "",
        method: str | None = None,
        uri: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.more_info = more_info
        self.twilio_message = twilio_message
        self.method = method
        self.uri = uri

    def __str__(self) -> str:
        tags = [f"Twilio {self.code}" if self.code is not None else None]
        tags.append(f"HTTP {self.status}" if self.status is not None else None)
        label = ", ".join(tag for tag in tags if tag)
        return f"{self.message} ({label})" if label else self.message


class RetryableGatewayError(GatewayError):
    """Rate limit, Twilio-side failure or network error that persisted through the retries."""


class AuthenticationError(GatewayError):
    """The credentials were refused (20003); the stored token is wrong or was rotated."""


class NotFoundError(GatewayError):
    """The resource does not exist for this account (20404)."""


class RejectedRequest(GatewayError):
    """Twilio refused the request (any other 4xx); retrying the same request cannot help."""


def _human_message(code: int | None, twilio_message: str) -> str:
    explanation = describe_error(code)
    if explanation and twilio_message:
        return f"{explanation} Twilio said: {twilio_message}"
    return explanation or twilio_message or "The Twilio request failed."


def from_rest_exception(err: TwilioRestException) -> GatewayError:
    """Map an SDK error (built from Twilio's error body) onto the platform's hierarchy."""
    status = int(err.status) if err.status is not None else None
    code = err.code if isinstance(err.code, int) else None
    if code == status:
        # The SDK falls back to the HTTP status when the body had no code.
        code = None
    twilio_message = _SDK_PREFIX.sub("", str(err.msg or "")).strip()
    if code in FINAL_429_CODES:
        cls: type[GatewayError] = RejectedRequest
    elif status == 429 or code == 20429 or (status is not None and status >= 500):
        cls = RetryableGatewayError
    elif code == 20003 or (status == 401 and code is None):
        cls = AuthenticationError
    elif code == 20404 or (status == 404 and code is None):
        cls = NotFoundError
    elif status is not None and 400 <= status < 500:
        cls = RejectedRequest
    else:
        cls = GatewayError
    return cls(
        _human_message(code, twilio_message),
        code=code,
        status=status,
        more_info=ERROR_DOCS_URL.format(code=code) if code is not None else None,
        twilio_message=twilio_message,
        method=err.method,
        uri=err.uri,
    )


@contextmanager
def translate_errors() -> Iterator[None]:
    """Re-raise SDK and network exceptions as `GatewayError`s (usable as a decorator too)."""
    try:
        yield
    except GatewayError:
        raise
    except TwilioRestException as err:
        raise from_rest_exception(err) from err
    except requests.RequestException as err:
        raise RetryableGatewayError(
            f"Could not reach Twilio: {type(err).__name__}.",
            twilio_message=str(err),
        ) from err
    except TwilioException as err:
        page_error = from_page_exception(err)
        if page_error is not None:
            raise page_error from err
        raise GatewayError(str(err) or "The Twilio SDK failed.") from err


def from_page_exception(err: TwilioException) -> GatewayError | None:
    """List calls fail with `TwilioException("Unable to fetch page", response)` rather than a
    `TwilioRestException`: read Twilio's error body from that response, so a 429/5xx while
    paging is retryable like any other."""
    response = err.args[1] if len(err.args) > 1 else None
    status = getattr(response, "status_code", None)
    if not isinstance(status, int):
        return None
    try:
        body = json.loads(getattr(response, "text", "") or "{}")
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = body.get("code") if isinstance(body.get("code"), int) else None
    rest = TwilioRestException(status, "", msg=str(body.get("message") or ""), code=code)
    return from_rest_exception(rest)
