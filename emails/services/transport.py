"""Handing a queued email to the ESP: messaging's send task calls `email_transport` with the
row it claimed (registered for channel email in `EmailsConfig.ready`).

Exactly once. SES can't be asked whether it got an earlier attempt, so an attempt that may
have reached it is never repeated: the attempt is marked (committed) before the call, and a
row found with an attempt in doubt (a worker died mid-call, or the connection broke after
the request went out) goes to `unknown`. Throttling, ESP-side failures and connections that
never opened release the row and raise `RetryableGatewayError`, so the send task retries
with its backoff. A refusal fails the message with the ESP's words. The suppression list and
the sender identity are checked again first: an unsubscribe, bounce or lapsed identity that
came after the message was queued still stops it.
"""

import logging
from email.utils import formataddr

from anymail.message import AnymailMessage
from django.db import transaction
from django.utils import timezone

from emails import esp
from emails.services.sending import MARKETING, TRANSACTIONAL, sending_identity
from isvplatform import claims, gateway
from messaging import events
from messaging.models import STATUS_RANK, Channel, Message, Status
from messaging.services import DispatchResult, is_opted_out
from messaging.services.dispatch import (
    claim_fail,
    claim_mark_attempt,
    claim_mark_unknown,
    claim_release,
)

logger = logging.getLogger(__name__)

NOT_SENT_SUPPRESSED = (
    "Not sent: the address is on the suppression list (unsubscribed, bounced or complained)."
)
NOT_SENT_IDENTITY = "Not sent: the sender identity for {address} is no longer verified."
UNKNOWN_IN_DOUBT = (
    "An earlier attempt may have reached the ESP and SES can't be asked: not sent again. "
    "Check the recipient's mailbox or the ESP's logs."
)


def email_for(message: Message, connection) -> AnymailMessage:
    """The anymail message of a stored email: its parts, headers, tags and our id."""
    category = MARKETING if "List-Unsubscribe" in (message.headers or {}) else TRANSACTIONAL
    email = AnymailMessage(
        subject=message.subject,
        body=message.body,
        from_email=formataddr((message.from_name, message.from_number))
        if message.from_name
        else message.from_number,
        to=[message.to_number],
        headers=dict(message.headers or {}),
        connection=connection,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    email.metadata = {"message_id": str(message.pk), "tenant_id": str(message.tenant_id)}
    email.tags = [category]
    return email


def _record(held: claims.Claim, esp_name: str, esp_message_id: str, account: str) -> Message:
    """Store the ESP's id, the account it went through (the tenant's own account's key; empty:
    the platform's) and `sent`. Written even if the lease ran out meanwhile: the id is the
    truth, and a row holding it is never sent again."""
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=held.pk)
        message.esp_name = esp_name
        message.esp_message_id = esp_message_id
        message.account_sid = account
        message.in_doubt_since = message.doubt_until = None
        if message.claim_token == held.token:
            message.claim_token = message.claimed_until = None
        if message.status_rank < STATUS_RANK[Status.SENT]:  # queued, or unknown meanwhile
            message.status, message.status_rank = Status.SENT, STATUS_RANK[Status.SENT]
            message.sent_at = message.sent_at or now
        message.error_message = ""
        message.submitted_at = now
        message.updated_at = now
        message.save()
        events.emit_message_status(message)
    return message


def _refused_before(held: claims.Claim, message: Message) -> DispatchResult | None:
    """The checks that stop a queued email before any ESP call."""
    if message.in_doubt_since is not None:
        claim_mark_unknown(held, UNKNOWN_IN_DOUBT)
        return DispatchResult("unknown")
    if is_opted_out(message.tenant_id, message.to_number, Channel.EMAIL):
        claim_fail(held, code=None, text=NOT_SENT_SUPPRESSED)
        return DispatchResult("opted_out")
    if sending_identity(message.tenant, message.from_number) is None:
        claim_fail(held, code=None, text=NOT_SENT_IDENTITY.format(address=message.from_number))
        return DispatchResult("failed")
    return None


def _send(message: Message, connection, esp_name: str) -> str:
    """One ESP call: its message id; raises EspError."""
    email = email_for(message, connection)
    with esp.translate_errors():
        email.send()
    status = email.anymail_status
    if status.status and status.status & {"rejected", "failed", "invalid"}:
        raise esp.EspError("Rejected", f"{esp.esp_label(esp_name)} rejected the recipient.")
    if not status.message_id:
        raise esp.EspError("NoMessageId", f"{esp.esp_label(esp_name)} returned no message id.")
    return str(status.message_id)


def email_transport(held: claims.Claim, message: Message) -> DispatchResult:
    """One attempt at a claimed email (outside any transaction; see the module's docstring)."""
    refused = _refused_before(held, message)
    if refused is not None:
        return refused
    credentials = esp.active_credentials(message.tenant)
    connection = esp.connection_through(message.tenant, credentials)
    esp_name = esp.connection_esp(message.tenant)
    claim_mark_attempt(held)
    try:
        esp_message_id = _send(message, connection, esp_name)
    except esp.RetryableEspError as err:
        if err.may_have_sent:
            claim_mark_unknown(held, f"{UNKNOWN_IN_DOUBT} ({err.message})")
            return DispatchResult("unknown")
        claim_release(held, error_message=f"Retrying: {err}", in_doubt_since=None, doubt_until=None)
        raise gateway.RetryableGatewayError(f"Retrying: {err}", status=err.status) from err
    except esp.EspError as err:
        label = esp.esp_label(esp_name)
        claim_fail(held, code=None, text=f"{label} refused the email: {err}")
        return DispatchResult("failed")
    _record(held, esp_name, esp_message_id, credentials.access_key_id if credentials else "")
    return DispatchResult("sent", esp_message_id)
