"""Per-tenant fairness on the API: at most `API_TENANT_CONCURRENCY` of one tenant's API-key
requests in flight at once, all web processes together; the next is answered 429 with
`Retry-After` before any of its work.

The per-tenant rate (`API_THROTTLE_RATE`) bounds requests per minute, not how many run at
once: a tenant flooding from many connections could hold every web process and queue the
other tenants behind it. The limit is checked in the ASGI application, outside Django: a
refusal costs one Redis round trip, no middleware, session, key lookup or query, so a
flood of refused requests stays cheap for everyone else.

The ASGI layer knows the key, not its tenant: a successful authentication records which
tenant a key belongs to (`remember_key_tenant`, under a digest of the key, at most every
`REMEMBER_EVERY_SECONDS` per process), and one Lua script reads it and takes a place in the
tenant's sorted set of requests in flight. A refusal is answered after
`API_TENANT_REFUSAL_DELAY_SECONDS`, so a flood that ignores Retry-After paces itself. A key
not recorded yet (its first request) goes through uncounted; a revoked key's record only
counts its requests, which authentication refuses anyway, against its old tenant. A place is
given back when the answer starts (a progress stream holds none while it streams) or the
request fails; one whose process died expires after `API_TENANT_CONCURRENCY_TTL_SECONDS`.
With Redis down the request goes through (fail open, logged and counted in
`isv_failopen_total{component="api_concurrency"}`).
"""

import asyncio
import hashlib
import json
import threading
import time
import uuid

import redis
import redis.asyncio

from isvplatform import metrics
from isvplatform.failopen import REDIS_DOWN_ERRORS, record_failopen

COMPONENT = "api_concurrency"
KEY_PREFIX = "isv:api-inflight:"
KEY_TENANT_SECONDS = 3600
REMEMBER_EVERY_SECONDS = 300.0
SOCKET_TIMEOUT = 0.5
# After Redis failed, this long without trying it (requests go through uncounted).
RETRY_SECONDS = 1.0
API_PATH = "/api/"
KEY_START = "isv_"

# KEYS[1]: the key's tenant record. ARGV: now, a place's lifetime, the limit, this request's
# token, the key prefix.
# Returns {tenant id or "", 1 when a place was taken or none is needed, 0 when refused}.
ACQUIRE = """
local tenant = redis.call('GET', KEYS[1])
if not tenant then return {'', 1} end
local places = ARGV[5] .. 't' .. tenant
redis.call('ZREMRANGEBYSCORE', places, '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', places) >= tonumber(ARGV[3]) then return {tenant, 0} end
redis.call('ZADD', places, ARGV[1], ARGV[4])
redis.call('EXPIRE', places, ARGV[2])
return {tenant, 1}
"""


def key_digest(raw_key: str) -> str:
    """What the tenant record of a key is stored under (not the key's stored hash)."""
    return hashlib.sha256(b"api-concurrency:" + raw_key.encode()).hexdigest()[:40]


def _tenant_record(digest: str) -> str:
    return f"{KEY_PREFIX}key:{digest}"


class KeyTenantRecorder:
    """Records, from the authentication of each request, which tenant a key belongs to."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self._client: redis.Redis | None = None
        self._recorded: dict[str, float] = {}
        self._lock = threading.Lock()

    def remember(self, raw_key: str, tenant_id: int) -> None:
        digest = key_digest(raw_key)
        now = time.monotonic()
        with self._lock:
            if self._recorded.get(digest, 0.0) > now:
                return
            self._recorded[digest] = now + REMEMBER_EVERY_SECONDS
            if self._client is None:
                self._client = redis.Redis.from_url(
                    self.redis_url, socket_timeout=SOCKET_TIMEOUT,
                    socket_connect_timeout=SOCKET_TIMEOUT,
                )  # fmt: skip
        try:
            self._client.set(_tenant_record(digest), tenant_id, ex=KEY_TENANT_SECONDS)
        except REDIS_DOWN_ERRORS as err:
            with self._lock:
                self._recorded.pop(digest, None)
            record_failopen(COMPONENT, err, "recording a key's tenant")


_recorders: dict[str, KeyTenantRecorder] = {}


def remember_key_tenant(raw_key: str, tenant_id: int) -> None:
    """After `raw_key` authenticated: its tenant, for the limit (nothing when it is off)."""
    from django.conf import settings

    url = settings.API_TENANT_CONCURRENCY_REDIS_URL
    if settings.API_TENANT_CONCURRENCY <= 0 or not url:
        return
    recorder = _recorders.get(url) or _recorders.setdefault(url, KeyTenantRecorder(url))
    recorder.remember(raw_key, tenant_id)


def bearer_key(scope) -> str | None:
    """The API key of an API request (`Authorization: Bearer isv_…`), or None."""
    if scope["type"] != "http" or not scope.get("path", "").startswith(API_PATH):
        return None
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, key = value.decode("latin-1").partition(" ")
            key = key.strip()
            return key if scheme == "Bearer" and key.startswith(KEY_START) else None
    return None


def refusal_body(limit: int) -> bytes:
    # Imported here: the errors module imports DRF's views, which import the authentication
    # classes, which import this module.
    from isvplatform.api.errors import error_body

    message = (f"This tenant already has {limit} API requests in progress; retry once one "
               "of them has been answered.")  # fmt: skip
    return json.dumps(error_body("too_many_concurrent_requests", message)).encode()


class TenantConcurrencyLimit:
    """ASGI middleware: one tenant's API requests in flight, at most `limit` at once."""

    def __init__(self, app, limit: int, redis_url: str, ttl: int = 60, retry_after: int = 1,
                 refusal_delay: float = 0.0):  # fmt: skip
        self.app, self.limit, self.redis_url = app, limit, redis_url
        self.ttl, self.retry_after, self.refusal_delay = ttl, retry_after, refusal_delay
        self._client: redis.asyncio.Redis | None = None
        self._script = None
        self._down_until = 0.0
        self._refusal = refusal_body(limit)

    async def __call__(self, scope, receive, send) -> None:
        raw_key = bearer_key(scope) if self.limit > 0 and self.redis_url else None
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        token = uuid.uuid4().hex
        tenant, admitted = await self._acquire(key_digest(raw_key), token)
        if not admitted:
            metrics.count_api_concurrency("refused")
            await self._refuse(send)
            return
        if not tenant:
            await self.app(scope, receive, send)
            return
        metrics.count_api_concurrency("admitted")
        held = True

        async def give_back() -> None:
            nonlocal held
            if held:
                held = False
                await self._release(tenant, token)

        async def send_and_give_back(message) -> None:
            # Given back as the answer starts, before it leaves: the view's work is done (a
            # stream holds no place while it streams), and a client sending its next request
            # the moment it has the answer must find the place free.
            if message["type"] == "http.response.start":
                await give_back()
            await send(message)

        try:
            await self.app(scope, receive, send_and_give_back)
        finally:
            await give_back()

    def _redis(self) -> redis.asyncio.Redis:
        if self._client is None:
            self._client = redis.asyncio.Redis.from_url(
                self.redis_url, socket_timeout=SOCKET_TIMEOUT,
                socket_connect_timeout=SOCKET_TIMEOUT,
            )  # fmt: skip
            self._script = self._client.register_script(ACQUIRE)
        return self._client

    async def _acquire(self, digest: str, token: str) -> tuple[str, bool]:
        """(tenant id or "", admitted); ("", True) when Redis is down or the key unknown."""
        if time.monotonic() < self._down_until:
            record_failopen(COMPONENT, ConnectionError("Redis failed a moment ago"), "admitting")
            return "", True
        try:
            self._redis()
            tenant, admitted = await self._script(
                keys=[_tenant_record(digest)],
                args=[time.time(), self.ttl, self.limit, token, KEY_PREFIX],
            )
        except REDIS_DOWN_ERRORS as err:
            self._down_until = time.monotonic() + RETRY_SECONDS
            record_failopen(COMPONENT, err, "admitting an API request")
            return "", True
        return tenant.decode(), bool(admitted)

    async def _release(self, tenant: str, token: str) -> None:
        try:
            await self._redis().zrem(f"{KEY_PREFIX}t{tenant}", token)
        except REDIS_DOWN_ERRORS as err:  # the place expires after `ttl`
            record_failopen(COMPONENT, err, "giving back an API request's place")

    async def _refuse(self, send) -> None:
        """The 429, after `refusal_delay`: a client retrying at once, Retry-After ignored,
        sends one request per delay and connection, not as many as the server can refuse.
        The wait costs a coroutine: no place, thread or connection of the database."""
        if self.refusal_delay > 0:
            await asyncio.sleep(self.refusal_delay)
        body = self._refusal
        await send({
            "type": "http.response.start", "status": 429,
            "headers": [(b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"x-content-type-options", b"nosniff"),
                        (b"retry-after", str(self.retry_after).encode())],
        })  # fmt: skip
        await send({"type": "http.response.body", "body": body})
