"""The endpoints Twilio calls for messages (status callbacks, inbound messages) and for
usage (a spending limit's Usage Trigger firing).

Validate → parse → act. `twilio_auth.twilio_callback` admits a request only when it is signed
by an account of the tenant owning what it names (the message; the `To` number or messaging
service), over the public URL; anything else gets a 403 and changes nothing. The work itself
lives in `messaging.statuses`, `messaging.inbound` and `billing.services.limit_callbacks`.
"""

import uuid
from xml.sax.saxutils import escape

import structlog
from django.http import HttpResponse

from billing.services.limit_callbacks import apply_usage_trigger, usage_trigger_owner
from messaging.inbound import inbound_owner, receive_inbound
from messaging.statuses import apply_status_callback, callback_owner
from webhooks.twilio_auth import twilio_callback

TWIML_CONTENT_TYPE = "text/xml; charset=utf-8"


def _message_hint(request) -> str:
    try:
        return str(uuid.UUID(request.GET.get("m", "")))
    except ValueError:
        return ""


def _bind_message_sid(request) -> None:
    """The request's later log lines name the message the callback is about."""
    sid = request.POST.get("MessageSid") or request.POST.get("SmsSid") or ""
    structlog.contextvars.bind_contextvars(message_sid=sid[:64])


def _status_owner(request):
    return callback_owner(request.POST, _message_hint(request))


@twilio_callback(_status_owner)
def status_callback(request, owner):
    _bind_message_sid(request)
    apply_status_callback(request.POST, message_hint=_message_hint(request))
    return HttpResponse(status=204)


def twiml(reply: str = "") -> HttpResponse:
    inner = f"<Message>{escape(reply)}</Message>" if reply else ""
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>'
    return HttpResponse(body, content_type=TWIML_CONTENT_TYPE)


@twilio_callback(lambda request: inbound_owner(request.POST))
def inbound_message(request, owner):
    _bind_message_sid(request)
    result = receive_inbound(request.POST, owner.subject if owner is not None else None)
    return twiml(result.reply)


@twilio_callback(lambda request: usage_trigger_owner(request.POST))
def usage_trigger(request, owner):
    """A limit's trigger fired: marked once per period, answered at once (the emails and
    broadcast pauses it causes run after commit or are quick updates)."""
    if owner is not None:
        apply_usage_trigger(owner.subject, request.POST)
    return HttpResponse(status=204)
