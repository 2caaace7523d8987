"""Exactly-once sending: finding at Twilio a message whose send answer was lost.

Twilio's Messages resource takes no client reference, so an attempt that reached Twilio but
whose answer was lost (a 5xx, a timeout, a worker that died mid-call) is recognised by what
was sent: the recipient, the sender (number or messaging service), and the content, among
the messages created since the first attempt in doubt began.

Content: a body send matches on the exact body and the number of media. A template
(`ContentSid`) send cannot be matched on its body: Twilio lists the rendered template text
(the sandbox lists it empty), which the platform never sees. A template send is matched by
recipient, sender and time alone, and only when no other message of ours could be the one
found. Anything less than one clear candidate is `unknown`, never a second send.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from isvplatform import gateway
from messaging.models import Direction, Message, Status
from messaging.services.common import twilio_address

# Our clock and Twilio's may differ; a look-up reaches back this much further.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Lookup:
    """What Twilio holds for a message in doubt: `found` when exactly one message is ours;
    `certain` is False when the answer could be wrong (several candidates, a listing cut
    short), and then nothing may be sent."""

    found: gateway.MessageResult | None
    certain: bool


def needs_lookup(message: Message) -> bool:
    """Whether an earlier attempt may have reached Twilio (or the sweeper re-enqueued it)."""
    return bool(message.in_doubt_since or message.send_attempts or message.sweeps)


def doubt_is_over(message: Message) -> bool:
    """Whether a look-up that finds nothing proves nothing was sent: every attempt has ended
    (answered, or its worker's lease ran out) and Twilio's list has had time to show it."""
    return message.doubt_until is None or message.doubt_until <= timezone.now()


def doubt_window() -> timedelta:
    return timedelta(seconds=settings.MESSAGING_SEND_DOUBT_SECONDS)


def _same_sender(message: Message, candidate: gateway.MessageResult) -> bool:
    if message.messaging_service_sid and (
        candidate.messaging_service_sid != message.messaging_service_sid
    ):
        return False
    sender = twilio_address(message.channel, message.from_number)
    return not sender or candidate.from_ == sender


def _same_content(message: Message, candidate: gateway.MessageResult) -> bool:
    if message.content_sid:
        return True
    return candidate.body == message.body and candidate.num_media == len(message.media_urls or [])


def _rivals(message: Message) -> bool:
    """Whether another message of ours, also in doubt, could be the one Twilio holds."""
    others = Message.objects.filter(
        tenant_id=message.tenant_id,
        channel=message.channel,
        to_number=message.to_number,
        from_number=message.from_number,
        messaging_service_sid=message.messaging_service_sid,
        direction=Direction.OUTBOUND,
        sid__isnull=True,
        in_doubt_since__isnull=False,
        status__in=[Status.QUEUED, Status.UNKNOWN],
    ).exclude(pk=message.pk)
    if not message.content_sid:
        # A template rival matches any body; a body rival only the same body.
        others = others.filter(~Q(content_sid="") | Q(body=message.body))
    return others.exists()


def earlier_send(client, message: Message) -> Lookup:
    """Look for the message at Twilio, among those created since its first attempt in doubt.
    Raises the gateway's errors (a failed look-up decides nothing)."""
    since = (message.in_doubt_since or message.created_at) - CLOCK_SKEW
    listing = gateway.messages_created_since(
        client,
        to=twilio_address(message.channel, message.to_number),
        from_=twilio_address(message.channel, message.from_number) or None,
        since=since,
    )
    known = set(
        Message.objects.filter(sid__in=[m.sid for m in listing.messages]).values_list(
            "sid", flat=True
        )
    )
    candidates = [
        candidate
        for candidate in listing.messages
        if candidate.sid not in known
        and candidate.direction == "outbound-api"
        and _same_sender(message, candidate)
        and _same_content(message, candidate)
    ]
    if not listing.complete or len(candidates) > 1:
        return Lookup(found=None, certain=False)
    if not candidates:
        return Lookup(found=None, certain=True)
    if _rivals(message):
        return Lookup(found=None, certain=False)
    return Lookup(found=candidates[0], certain=True)
