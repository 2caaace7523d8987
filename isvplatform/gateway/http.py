"""HTTP clients handed to `twilio.rest.Client`: where requests go, and how failures are retried.

The SDK builds every request itself and calls `http_client.request(...)`; everything below that
call is ours. A transport delivers the request (in-process sandbox, sandbox over HTTP, or real
Twilio), and `RetryingHttpClient` wraps the transport so that every SDK call, whatever the
resource, gets the same retries and one log line per attempt.

Retry rule. Twilio answers 429 / 20429 before doing anything, so those are always retried. A
5xx, a read timeout or a dropped connection leaves the outcome unknown: repeating a GET, DELETE
or PUT is harmless, but repeating a POST that creates something (a message, a number purchase)
may do it twice in real Twilio. So ambiguous POSTs are retried only when
`TWILIO_RETRY_AMBIGUOUS_POSTS` is on; otherwise the caller gets a `RetryableGatewayError` and,
if it needs exactly-once, looks the object up before trying again. A POST whose connection
was never established is safe and is retried. Other 4xx are never retried.
"""

import email.utils
import json
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from twilio.base.exceptions import TwilioException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from urllib3.exceptions import NewConnectionError

from isvplatform import metrics
from isvplatform.gateway.errors import FINAL_429_CODES

logger = logging.getLogger("isvplatform.gateway")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
MAX_BACKOFF_SECONDS = 30.0
REQUEST_ID_HEADER = "Twilio-Request-Id"
SANDBOX_PREFIX = "/sandbox/twilio"


class QuietTwilioHttpClient(TwilioHttpClient):
    """The SDK's requests-based client, minus its multi-line logging of query params and headers.

    `RetryingHttpClient` logs one line per attempt instead; the SDK's lines would repeat it and
    put phone numbers from list filters into the logs.
    """

    def log_request(self, kwargs: dict[str, Any]) -> None:
        return None

    def log_response(self, status_code: int, response: Any) -> None:
        return None


class SandboxHttpClient(HttpClient):
    """Delivers each request straight to the sandbox app in this process (no sockets)."""

    def __init__(self, timeout: float | None = None) -> None:
        super().__init__(logger, is_async=False, timeout=timeout)

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        # Imported on use: live deployments never load the sandbox.
        from sandbox import transport

        if params:
            # `requests` leaves out None-valued query params; so must the in-process path.
            params = {key: value for key, value in params.items() if value is not None}
        status, text, response_headers = transport.handle(
            method.upper(), url, params=params, data=data, headers=headers, auth=auth
        )
        return Response(int(status), text, CaseInsensitiveDict(response_headers or {}))


def sandbox_url(base_url: str, url: str) -> str:
    """Map `https://{product}[.edge][.region].twilio.com/{path}` to the sandbox's URL for it."""
    base_url = base_url.rstrip("/")
    if url.startswith(base_url + SANDBOX_PREFIX + "/"):
        return url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host != "twilio.com" and not host.endswith(".twilio.com"):
        raise TwilioException(f"sandbox mode only reaches Twilio hosts, not {host!r}")
    product = host.split(".")[0]
    query = f"?{parts.query}" if parts.query else ""
    return f"{base_url}{SANDBOX_PREFIX}/{product}{parts.path}{query}"


class SandboxOverHttpClient(QuietTwilioHttpClient):
    """The SDK's own HTTP client, with Twilio hosts rewritten to a sandbox server."""

    def __init__(self, base_url: str, timeout: float | None = None) -> None:
        super().__init__(timeout=timeout, logger=logger)
        self.base_url = base_url.rstrip("/")

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        return super().request(
            method,
            sandbox_url(self.base_url, url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    value = headers.get(name)
    if value is None and not isinstance(headers, CaseInsensitiveDict):
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def backoff_delay(
    attempt: int,
    base_delay: float,
    max_retries: int,
    retry_after: float | None = None,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to sleep before retry number `attempt` (1-based).

    Full jitter: uniform in [0, base * 2^(attempt-1)], at most MAX_BACKOFF_SECONDS. A server's
    Retry-After is honoured but capped at the longest wait the schedule itself could reach, so a
    huge value fails fast (the caller's task retries later) and a zero base never sleeps.
    """
    if retry_after is not None:
        return min(retry_after, base_delay * 2**max_retries, MAX_BACKOFF_SECONDS)
    ceiling = min(MAX_BACKOFF_SECONDS, base_delay * 2 ** (attempt - 1))
    return rng() * ceiling


def _body_code(text: str) -> int | None:
    try:
        payload = json.loads(text)
    except (TypeError, ValueError):
        return None
    code = payload.get("code") if isinstance(payload, dict) else None
    return code if isinstance(code, int) else None


def _never_reached_server(err: requests.RequestException) -> bool:
    if isinstance(err, requests.ConnectTimeout):
        return True
    reason = getattr(err.args[0], "reason", None) if err.args else None
    return isinstance(reason, NewConnectionError)


class RetryingHttpClient(HttpClient):
    """Wraps a transport with Twilio-aware retries and one log line per attempt."""

    def __init__(
        self,
        transport: HttpClient,
        *,
        max_retries: int,
        base_delay: float,
        retry_ambiguous_posts: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(logger, is_async=False, timeout=transport.timeout)
        self.transport = transport
        self.max_retries = max(0, max_retries)
        self.base_delay = max(0.0, base_delay)
        self.retry_ambiguous_posts = retry_ambiguous_posts
        self.sleep = sleep

    def _may_repeat(self, method: str) -> bool:
        return method in IDEMPOTENT_METHODS or self.retry_ambiguous_posts

    def should_retry_response(self, method: str, response: Response) -> bool:
        status = response.status_code
        if status == 429:
            return _body_code(response.text) not in FINAL_429_CODES
        if status >= 500:
            return self._may_repeat(method)
        if status >= 400:
            return _body_code(response.text) == 20429
        return False

    def should_retry_error(self, method: str, err: requests.RequestException) -> bool:
        if not isinstance(err, requests.ConnectionError | requests.Timeout):
            return False
        return _never_reached_server(err) or self._may_repeat(method)

    def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        method = method.upper()
        parts = urlsplit(uri)
        where = f"{parts.hostname}{parts.path}"
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                response = self.transport.request(
                    method,
                    uri,
                    params=params,
                    data=data,
                    headers=headers,
                    auth=auth,
                    timeout=timeout,
                    allow_redirects=allow_redirects,
                )
            except requests.RequestException as err:
                retry = attempt <= self.max_retries and self.should_retry_error(method, err)
                self._observe(
                    logging.WARNING, method, where, type(err).__name__, started, None, attempt
                )
                if not retry:
                    raise
                self.sleep(backoff_delay(attempt, self.base_delay, self.max_retries))
                continue
            status = response.status_code
            request_id = _header(response.headers, REQUEST_ID_HEADER)
            level = logging.WARNING if status >= 500 or status == 429 else logging.INFO
            self._observe(level, method, where, status, started, request_id, attempt)
            if attempt > self.max_retries or not self.should_retry_response(method, response):
                return response
            retry_after = parse_retry_after(_header(response.headers, "Retry-After"))
            self.sleep(backoff_delay(attempt, self.base_delay, self.max_retries, retry_after))

    def _observe(
        self,
        level: int,
        method: str,
        where: str,
        status: int | str,
        started: float,
        request_id: str | None,
        attempt: int,
    ) -> None:
        """One attempt, into the metrics (operation, outcome, latency) and the log."""
        seconds = time.perf_counter() - started
        metrics.observe_twilio_call(method, where, status, seconds)
        if not logger.isEnabledFor(level):
            return
        duration_ms = seconds * 1000
        logger.log(
            level,
            "twilio %s %s status=%s duration_ms=%.1f request_id=%s attempt=%d",
            method,
            where,
            status,
            duration_ms,
            request_id or "-",
            attempt,
            extra={
                "twilio_method": method,
                "twilio_path": where,
                "twilio_status": status,
                "twilio_duration_ms": round(duration_ms, 1),
                "twilio_request_id": request_id,
                "twilio_attempt": attempt,
            },
        )
