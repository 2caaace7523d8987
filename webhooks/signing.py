"""How tenant webhooks are signed, and how a receiver checks them.

Each delivery carries `X-ISV-Timestamp` (Unix seconds) and `X-ISV-Signature: v1=<hex>`, the
HMAC-SHA256 of `"{timestamp}." + raw body` keyed with the endpoint's secret. A receiver
recomputes it over the raw body it got, compares in constant time and refuses timestamps
older than a few minutes, which stops replays of a captured request.
"""

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-ISV-Signature"
TIMESTAMP_HEADER = "X-ISV-Timestamp"
EVENT_HEADER = "X-ISV-Event"
DELIVERY_HEADER = "X-ISV-Delivery"
SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={digest.hexdigest()}"


def verify(
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when `signature` is ours for this body and the timestamp is recent."""
    if not timestamp or not signature:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((now if now is not None else time.time()) - sent_at) > tolerance:
        return False
    expected = sign(secret, sent_at, body)
    return any(
        hmac.compare_digest(expected, candidate.strip())
        for candidate in signature.split(",")
        if candidate.strip().startswith(f"{SCHEME}=")
    )
