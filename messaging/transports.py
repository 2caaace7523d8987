"""Channels whose messages don't go to Twilio register how they are handed over.

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
