"""Channels whose messages don't go to Twilio register how they are handed over, and how
the messages API sends one (`register_sender`: the channel's own send service).

The email channel (the `emails` app, which messaging can't import) registers its transport
when Django starts. `message_dispatch` claims the row as for any message, then calls the
channel's transport with the claim instead of posting to Twilio; the transport releases
the claim with its outcome. The outbox sweeper and the send task's retries work unchanged.
"""

from collections.abc import Callable
from typing import Any

# channel -> transport(claim, message) -> DispatchResult
_TRANSPORTS: dict[str, Callable[[Any, Any], Any]] = {}


def register(channel: str, transport: Callable[[Any, Any], Any]) -> None:
    _TRANSPORTS[channel] = transport


def transport_for(channel: str) -> Callable[[Any, Any], Any] | None:
    return _TRANSPORTS.get(channel)


# channel -> send(*, tenant, to, from_, subject, html, text, template, variables, category,
# actor, origin) -> Message: the channel's own send service, for POST /api/v1/messages.
_SENDERS: dict[str, Callable[..., Any]] = {}


def register_sender(channel: str, send: Callable[..., Any]) -> None:
    _SENDERS[channel] = send


def sender_for(channel: str) -> Callable[..., Any] | None:
    return _SENDERS.get(channel)
