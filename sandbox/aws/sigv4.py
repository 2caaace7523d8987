"""AWS Signature Version 4, checked as AWS checks it: the access key names the account, the
signature is recomputed from the canonical request with that account's secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

from sandbox.aws.errors import AwsError
from sandbox.aws.models import AwsAccount

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = dt.timedelta(minutes=15)
_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Signed:
    """Who signed a request and for which region and service."""

    account: AwsAccount
    region: str
    service: str


def _quote(value: str) -> str:
    return quote(value, safe="-_.~")


def canonical_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in sorted(pairs))


def canonical_uri(raw_path: str) -> str:
    """Non-S3 services encode the path as sent (already percent-encoded) once more."""
    return quote(raw_path or "/", safe="/~")


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signature(
    *,
    secret: str,
    method: str,
    raw_path: str,
    query: str,
    headers: dict[str, str],
    signed_headers: list[str],
    body: bytes,
    amz_date: str,
    scope: str,
) -> str:
    canonical_headers = "".join(
        f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in signed_headers
    )
    payload_hash = headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    canonical = "\n".join(
        [
            method.upper(),
            canonical_uri(raw_path),
            canonical_query(query),
            canonical_headers,
            ";".join(signed_headers),
            payload_hash,
        ]
    )
    to_sign = "\n".join(
        [ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    date, region, service, _ = scope.split("/")
    key = _signing_key(secret, date, region, service)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def verify(
    *,
    method: str,
    raw_path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    protocol: str,
    now: dt.datetime,
) -> Signed:
    """The signer of a request; raises the AwsError AWS answers for a missing, unknown or
    wrong signature. `headers` are lower-cased; `protocol` is "rest-json" or "query"."""
    auth = headers.get("authorization", "")
    match = _AUTH.match(auth.strip())
    if not match:
        raise AwsError.auth("missing", protocol)
    parts = match["credential"].split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise AwsError.auth("malformed", protocol)
    key_id, date, region, service = parts[:4]
    account = AwsAccount.objects.filter(access_key_id=key_id).first()
    if account is None:
        raise AwsError.auth("unknown_key", protocol)
    amz_date = headers.get("x-amz-date", "")
    try:
        at = dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise AwsError.auth("malformed", protocol) from None
    if abs(now - at) > MAX_SKEW:
        raise AwsError.auth("expired", protocol)
    signed_headers = match["signed"].split(";")
    if "host" not in signed_headers or not amz_date.startswith(date):
        raise AwsError.auth("malformed", protocol)
    expected = signature(
        secret=account.secret_access_key.reveal(),
        method=method,
        raw_path=raw_path,
        query=query,
        headers=headers,
        signed_headers=signed_headers,
        body=body,
        amz_date=amz_date,
        scope="/".join(parts[1:5]),
    )
    if not hmac.compare_digest(expected, match["signature"]):
        raise AwsError.auth("mismatch", protocol)
    return Signed(account, region, service)
