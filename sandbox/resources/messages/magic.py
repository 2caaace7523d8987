"""Twilio's documented magic test numbers, plus the sandbox's own for delivery failures.

The magic numbers work only with an account's test credentials, as on Twilio: with them a
send is checked and answered but nothing is sent, charged or stored, and `From` must be
one of the magic senders. With live credentials they are ordinary numbers. The delivery
failures below are the sandbox's own stand-ins for unreachable handsets (any credentials).
"""

from __future__ import annotations

from sandbox.core import formats
from sandbox.core.errors import TwilioError
from sandbox.core.request import SandboxRequest
from sandbox.core.sids import new_sid
from sandbox.resources.messages import segments
from sandbox.resources.messages.models import Message

API_ERRORS_TO = {
    "+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550002": (
        21612,
        "The 'To' phone number: +15005550002, is not currently reachable using the 'From' "
        "phone number via SMS.",
    ),
    "+15005550003": (
        21408,
        "Permission to send an SMS has not been enabled for the region indicated by the "
        "'To' number: +15005550003.",
    ),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}
"""`To` numbers the API refuses at create time (test credentials only)."""

API_ERRORS_FROM = {
    "+15005550001": (
        21212,
        "The 'From' number +15005550001 is not a valid phone number, shortcode, or "
        "alphanumeric sender ID.",
    ),
    "+15005550007": (
        21606,
        "The 'From' phone number provided is not a valid, message-capable Twilio phone "
        "number for this destination/account.",
    ),
    "+15005550008": (
        21611,
        "This 'From' number has exceeded the maximum number of queued messages",
    ),
}
"""`From` numbers the API refuses at create time (test credentials only)."""

VALID_FROM = "+15005550006"
"""Twilio's magic valid sender: the one `From` test credentials may send from."""

DELIVERY_FAILURES_TO = {
    "+15005550010": ("undelivered", 30003, "Unreachable destination handset"),
    "+15005550011": ("undelivered", 30005, "Unknown destination handset"),
    "+15005550012": ("undelivered", 30006, "Landline or unreachable carrier"),
    "+15005550013": ("undelivered", 30007, "Message filtered"),
    "+15005550014": ("failed", 30008, "Unknown error"),
}
"""Sandbox-only: `To` numbers accepted by the API whose delivery then fails this way."""

RATE_FAILURES = (
    (30003, "Unreachable destination handset"),
    (30005, "Unknown destination handset"),
    (30006, "Landline or unreachable carrier"),
)
"""Error codes for messages failed by the configured `delivery_failure_rate`."""

LANDLINES = {"+15005550009"}
"""Numbers Lookup reports as landlines."""


def _refuse(table: dict[str, tuple[int, str]], number: str) -> None:
    if number in table:
        code, text = table[number]
        raise TwilioError(code, 400, text)


def answer_test_send(
    req: SandboxRequest, to: str, from_: str, body: str, media_urls: list[str]
) -> Message:
    """The message Twilio answers to test credentials (unsaved: nothing is sent or stored)."""
    _, to_number = formats.split_channel(to)
    _refuse(API_ERRORS_TO, to_number)
    if not formats.is_e164(to_number):
        raise TwilioError(21211, 400, f"The 'To' number {to} is not a valid phone number.")
    if not from_:
        service_sid = req.get("MessagingServiceSid")
        raise TwilioError(21701, 400, f"The Messaging Service Sid {service_sid} is invalid.")
    _refuse(API_ERRORS_FROM, from_)
    if from_ != VALID_FROM:
        raise TwilioError(
            21606,
            400,
            f"The From phone number {from_} is not a valid, SMS-capable inbound phone number "
            "or short code for your account.",
        )
    return Message(
        sid=new_sid("MM" if media_urls else "SM"),
        from_address=from_,
        to_address=to,
        body=body,
        status=Message.Status.QUEUED,
        direction=Message.Direction.OUTBOUND_API,
        num_segments=segments.count(body),
        num_media=len(media_urls),
        date_created=req.now,
        date_updated=req.now,
    )
