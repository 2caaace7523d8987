"""WhatsApp's rules for a message when it leaves the queue (the message fails with the code):

- a template paused for low quality: 63041; disabled: 63042 (wave2-facts §1.5);
- outside the 24-hour window (a business-initiated message) only an approved template
  goes: a rejected one fails with 63040, one not (yet) approved and the session-only types
  (`twilio/list-picker`, `twilio/location`) with 63016;
- a template deleted since the send was accepted: 63027;
- a placeholder with no value (neither `ContentVariables` nor the content's defaults):
  63028 (parameter count mismatch); a rendered template body over 1,024 characters: 63021;
- the sender's messaging limit: business-initiated templates reach at most that many unique
  recipients in a moving 24 h (the `whatsapp_messaging_limit` hook's answer for the sender,
  else `SANDBOX_WHATSAPP_MESSAGING_LIMIT`, Meta's first tier 250); and its throughput, at
  most `SANDBOX_WHATSAPP_MPS` messages a second (80): beyond either, 63018.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from sandbox.core import hooks
from sandbox.resources.content import render
from sandbox.resources.content import types as content_types
from sandbox.resources.content.models import Content, WhatsAppApproval
from sandbox.resources.messages.models import Message
from sandbox.resources.messages.window import WHATSAPP_WINDOW, session_open

S = WhatsAppApproval.Status
DEFAULT_MESSAGING_LIMIT = 250
DEFAULT_MPS = 80
SECOND = dt.timedelta(seconds=1)
ERRORS = {
    63016: "Failed to send freeform message because you are outside the allowed window. "
    "If you are using WhatsApp, please use a Message Template.",
    63018: "Rate limit exceeded for Channel",
    63021: "Channel invalid content error: the template text with its parameters exceeds "
    "1024 characters",
    63027: "Template does not exist for a language and locale",
    63028: "Number of parameters provided does not match the expected number of parameters",
    63040: "Template rejected: the message uses a WhatsApp template that Meta rejected",
    63041: "Template paused: Meta paused the WhatsApp template for low quality",
    63042: "Template disabled: Meta permanently disabled the WhatsApp template",
}
_UNSENT = (Message.Status.FAILED, Message.Status.CANCELED, Message.Status.SCHEDULED)


def _fail(code: int) -> tuple[int, str]:
    return code, ERRORS[code]


def _template_failure(message: Message, content: Content, window_open: bool) -> int | None:
    approval = WhatsAppApproval.objects.filter(content=content).first()
    status = approval.status if approval is not None else "unsubmitted"
    if status == S.PAUSED:
        return 63041
    if status == S.DISABLED:
        return 63042
    key = content_types.main_type(content.types) or next(iter(content.types))
    if not window_open:
        if status == S.REJECTED:
            return 63040
        if status != S.APPROVED or key in content_types.SESSION_ONLY:
            return 63016
    rendered = render.render(content, message.content_variables)
    if rendered.missing:
        return 63028
    if status == S.APPROVED and len(rendered.body) > content_types.TEMPLATE_BODY:
        return 63021
    return None


def messaging_limit(sender: str) -> int:
    answer = hooks.ask("whatsapp_messaging_limit", sender=sender)
    if answer is not None:
        return int(answer)
    return int(getattr(settings, "SANDBOX_WHATSAPP_MESSAGING_LIMIT", DEFAULT_MESSAGING_LIMIT))


def _over_messaging_limit(message: Message, at: dt.datetime) -> bool:
    """Another business-initiated recipient would exceed the sender's 24 h limit."""
    reached = set(
        Message.objects.filter(
            sender=message.sender,
            channel="whatsapp",
            date_created__gt=at - WHATSAPP_WINDOW,
            date_created__lte=at,
            id__lt=message.id,
        )
        .exclude(content_sid="")
        .exclude(status__in=_UNSENT)
        .exclude(direction=Message.Direction.INBOUND)
        .values_list("to_address", flat=True)
        .distinct()
    )
    return message.to_address not in reached and len(reached) >= messaging_limit(message.sender)


def _over_throughput(message: Message) -> bool:
    mps = int(getattr(settings, "SANDBOX_WHATSAPP_MPS", DEFAULT_MPS))
    earlier = (
        Message.objects.filter(
            sender=message.sender,
            channel="whatsapp",
            date_created__gt=message.date_created - SECOND,
            date_created__lte=message.date_created,
            id__lt=message.id,
        )
        .exclude(direction=Message.Direction.INBOUND)
        .exclude(error_code=63018)
        .count()
    )
    return earlier >= mps


@hooks.answers("message_queued")
def whatsapp_rules(message) -> tuple[int, str] | None:
    if message.channel != "whatsapp" or not message.outbound or message.free:
        return None
    at = message.next_transition_at
    window_open = session_open(message.to_address, message.sender, at)
    if message.content_sid:
        content = Content.objects.filter(sid=message.content_sid).first()
        if content is None:
            return _fail(63027)
        code = _template_failure(message, content, window_open)
        if code:
            return _fail(code)
        if not window_open and _over_messaging_limit(message, at):
            return _fail(63018)
    if _over_throughput(message):
        return _fail(63018)
    return None
