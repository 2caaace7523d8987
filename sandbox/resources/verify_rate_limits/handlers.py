"""verify.twilio.com/v2/Services/{ServiceSid}/RateLimits and their Buckets."""

from __future__ import annotations

import re

from sandbox.core import formats
from sandbox.core.errors import not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.verify_rate_limits.models import Bucket, RateLimit
from sandbox.resources.verify_services import rules
from sandbox.resources.verify_services.handlers import BASE, service_of

LIMITS = "/v2/Services/{ServiceSid}/RateLimits"
BUCKETS = LIMITS + "/{RateLimitSid}/Buckets"
_UNIQUE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
MAX_INTERVAL = 86400


def rate_limit_json(rate_limit: RateLimit) -> dict:
    service = rate_limit.service
    url = f"{BASE}/{service.sid}/RateLimits/{rate_limit.sid}"
    return {
        "sid": rate_limit.sid,
        "service_sid": service.sid,
        "account_sid": service.account.sid,
        "unique_name": rate_limit.unique_name,
        "description": rate_limit.description or None,
        "date_created": formats.iso8601(rate_limit.date_created),
        "date_updated": formats.iso8601(rate_limit.date_updated),
        "url": url,
        "links": {"buckets": f"{url}/Buckets"},
    }


def bucket_json(bucket: Bucket) -> dict:
    rate_limit = bucket.rate_limit
    service = rate_limit.service
    return {
        "sid": bucket.sid,
        "rate_limit_sid": rate_limit.sid,
        "service_sid": service.sid,
        "account_sid": service.account.sid,
        "max": bucket.max,
        "interval": bucket.interval,
        "date_created": formats.iso8601(bucket.date_created),
        "date_updated": formats.iso8601(bucket.date_updated),
        "url": f"{BASE}/{service.sid}/RateLimits/{rate_limit.sid}/Buckets/{bucket.sid}",
    }


def _rate_limit(req: SandboxRequest, sid: str) -> RateLimit:
    service = service_of(req, req.arg("ServiceSid"))
    found = RateLimit.objects.select_related("service__account").filter(service=service, sid=sid)
    rate_limit = found.first()
    if rate_limit is None:
        raise not_found(req.path)
    return rate_limit


@route("verify", "POST", LIMITS, status=201)
def create_rate_limit(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    name = (req.get("UniqueName") or "").strip()
    if not _UNIQUE_NAME.match(name):
        raise rules.invalid("UniqueName", "1 to 64 letters, digits, dots, dashes or underscores")
    if RateLimit.objects.filter(service=service, unique_name=name).exists():
        raise rules.invalid("UniqueName", f"a rate limit named {name} already exists")
    rate_limit = RateLimit.objects.create(
        sid=new_sid("RK"),
        service=service,
        unique_name=name,
        description=(req.get("Description") or "")[:255],
        date_created=req.now,
        date_updated=req.now,
    )
    return rate_limit_json(rate_limit)


@route("verify", "GET", LIMITS)
def list_rate_limits(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    rows = RateLimit.objects.select_related("service__account").filter(service=service)
    return meta_page(req, "rate_limits", rows.order_by("date_created", "id"), rate_limit_json)


@route("verify", "GET", LIMITS + "/{Sid}")
def fetch_rate_limit(req: SandboxRequest) -> dict:
    return rate_limit_json(_rate_limit(req, req.arg("Sid")))


@route("verify", "POST", LIMITS + "/{Sid}")
def update_rate_limit(req: SandboxRequest) -> dict:
    rate_limit = _rate_limit(req, req.arg("Sid"))
    if req.has("Description"):
        rate_limit.description = (req.get("Description") or "")[:255]
    rate_limit.date_updated = req.now
    rate_limit.save()
    return rate_limit_json(rate_limit)


@route("verify", "DELETE", LIMITS + "/{Sid}")
def delete_rate_limit(req: SandboxRequest) -> None:
    _rate_limit(req, req.arg("Sid")).delete()


def _bounds(req: SandboxRequest, bucket: Bucket) -> None:
    for name, attr, high in (("Max", "max", None), ("Interval", "interval", MAX_INTERVAL)):
        value = rules.integer(req.get(name), name)
        if value is None:
            continue
        if value < 1 or (high and value > high):
            raise rules.invalid(name, f"must be between 1 and {high}" if high else "must be >= 1")
        setattr(bucket, attr, value)


def _bucket(req: SandboxRequest) -> Bucket:
    rate_limit = _rate_limit(req, req.arg("RateLimitSid"))
    bucket = Bucket.objects.filter(rate_limit=rate_limit, sid=req.arg("Sid")).first()
    if bucket is None:
        raise not_found(req.path)
    bucket.rate_limit = rate_limit
    return bucket


@route("verify", "POST", BUCKETS, status=201)
def create_bucket(req: SandboxRequest) -> dict:
    rate_limit = _rate_limit(req, req.arg("RateLimitSid"))
    for name in ("Max", "Interval"):
        if not req.get(name):
            raise rules.invalid(name, "is required")
    bucket = Bucket(
        sid=new_sid("BL"), rate_limit=rate_limit, date_created=req.now, date_updated=req.now
    )
    _bounds(req, bucket)
    bucket.save()
    return bucket_json(bucket)


@route("verify", "GET", BUCKETS)
def list_buckets(req: SandboxRequest) -> dict:
    rate_limit = _rate_limit(req, req.arg("RateLimitSid"))
    rows = list(Bucket.objects.filter(rate_limit=rate_limit).order_by("date_created", "id"))
    for row in rows:
        row.rate_limit = rate_limit
    return meta_page(req, "buckets", rows, bucket_json)


@route("verify", "GET", BUCKETS + "/{Sid}")
def fetch_bucket(req: SandboxRequest) -> dict:
    return bucket_json(_bucket(req))


@route("verify", "POST", BUCKETS + "/{Sid}")
def update_bucket(req: SandboxRequest) -> dict:
    bucket = _bucket(req)
    _bounds(req, bucket)
    bucket.date_updated = req.now
    bucket.save()
    return bucket_json(bucket)


@route("verify", "DELETE", BUCKETS + "/{Sid}")
def delete_bucket(req: SandboxRequest) -> None:
    _bucket(req).delete()
