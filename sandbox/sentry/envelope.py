"""Sentry's envelope format: a JSON header line, then items, each a JSON header line and a
payload of the header's `length` bytes (or up to the next newline when it has none).
https://develop.sentry.dev/sdk/data-model/envelopes/"""

import gzip
import json
import re
import zlib
from dataclasses import dataclass, field

MAX_BYTES = 1024 * 1024
_KEY = re.compile(r"sentry_key=([^,\s]+)")


class BadEnvelope(ValueError):
    """Not an envelope (or too large once decompressed)."""


@dataclass
class Envelope:
    headers: dict
    items: list[dict] = field(default_factory=list)


def decompress(raw: bytes, encoding: str) -> bytes:
    """The body as sent: the SDK compresses with gzip (or deflate); brotli is not installed
    here, so the SDK never chooses it."""
    encoding = (encoding or "").strip().lower()
    try:
        if encoding == "gzip":
            raw = gzip.decompress(raw)
        elif encoding == "deflate":
            raw = zlib.decompress(raw)
        elif encoding not in ("", "identity"):
            raise BadEnvelope(f"unsupported Content-Encoding {encoding!r}")
    except (OSError, zlib.error, EOFError) as err:
        raise BadEnvelope("the body does not decompress") from err
    if len(raw) > MAX_BYTES:
        raise BadEnvelope("envelope too large")
    return raw


def _json_line(data: bytes, start: int) -> tuple[dict, int]:
    end = data.find(b"\n", start)
    end = len(data) if end < 0 else end
    try:
        value = json.loads(data[start:end] or b"{}")
    except ValueError as err:
        raise BadEnvelope("a header is not JSON") from err
    if not isinstance(value, dict):
        raise BadEnvelope("a header is not an object")
    return value, end + 1


def parse(data: bytes) -> Envelope:
    headers, pos = _json_line(data, 0)
    envelope = Envelope(headers)
    while pos < len(data):
        if not data[pos:].strip():
            break
        item_headers, pos = _json_line(data, pos)
        length = item_headers.get("length")
        if isinstance(length, int) and length >= 0:
            payload, pos = data[pos : pos + length], pos + length + 1
        else:
            end = data.find(b"\n", pos)
            end = len(data) if end < 0 else end
            payload, pos = data[pos:end], end + 1
        envelope.items.append({"type": item_headers.get("type", ""), "payload": _payload(payload)})
    return envelope


def _payload(payload: bytes):
    try:
        return json.loads(payload)
    except ValueError:
        return payload.decode(errors="replace")


def public_key(auth_header: str, query_key: str) -> str:
    """The DSN's public key, from `X-Sentry-Auth` or the `sentry_key` parameter."""
    found = _KEY.search(auth_header or "")
    return (found.group(1) if found else query_key or "")[:64]
