"""How the `stripe` SDK reaches the local Stripe in this process: an `HTTPClient` whose
requests are answered by `sandbox.stripe.api` without a socket (over HTTP the SDK's own
client talks to `/sandbox/stripe/v1/...` instead)."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import stripe
from requests.structures import CaseInsensitiveDict

INPROCESS_BASE = "https://api.stripe.com"


def handle(
    method: str, url: str, headers: Mapping[str, str] | None, post_data: Any = None
) -> tuple[bytes, int, CaseInsensitiveDict]:
    from sandbox.stripe import api

    parts = urlsplit(url)
    body = post_data.decode() if isinstance(post_data, bytes) else (post_data or "")
    status, answer, extra = api.handle(method, parts.path, parts.query, body, dict(headers or {}))
    response_headers = CaseInsensitiveDict({"Content-Type": "application/json", **extra})
    return json.dumps(answer).encode(), status, response_headers


class InProcessStripeClient(stripe.HTTPClient):
    """The SDK's transport for the local Stripe: same requests, answered in this process."""

    name = "isvplatform-sandbox"

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        return handle(method, url, headers, post_data)

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        content, status, response_headers = handle(method, url, headers, post_data)
        return io.BytesIO(content), status, response_headers

    def close(self) -> None:
        return None
