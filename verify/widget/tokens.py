"""The success token: an HS256 JSON Web Token signed with the tenant's token secret.

    base64url(header) "." base64url(claims) "." base64url(HMAC-SHA256(secret, first two parts))

header `{"alg": "HS256", "typ": "JWT"}`; claims `iss` (the platform's URL), `sub` (the
verified phone in E.164), `tid` (the tenant id), `aid` (the attempt id), `ch` (the channel),
`jti` (the token id), `iat`, `exp` (`iat` + 10 minutes) and `vat` (when the code was
approved), all times in Unix seconds. It is issued once per approved attempt and redeemed
once through `POST /api/v1/verifications/tokens/verify`; a backend that checks it offline
verifies the signature and `exp`, and keeps the `jti`s it has seen to refuse a replay.
"""

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tenants.models import Tenant
from verify.models import VerificationAttempt, VerifyService, WidgetToken

TOKEN_TTL = timedelta(minutes=10)
HEADER = {"alg": "HS256", "typ": "JWT"}
MAX_TOKEN_LENGTH = 2048


class TokenRefused(Exception):
    """A token that proves nothing: forged, malformed, expired, another tenant's, or used."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


INVALID = ("token_invalid", "This token was not issued for your account or has been altered.")


@dataclass(frozen=True)
class RedeemedToken:
    phone: str
    verified_at: datetime
    attempt: VerificationAttempt
    token_id: uuid.UUID
    channel: str


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, signing_input: str) -> str:
    return _b64encode(hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest())


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def sign(claims: dict, secret: str) -> str:
    header = _b64encode(json.dumps(HEADER, separators=(",", ":")).encode())
    body = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{body}"
    return f"{signing_input}.{_signature(secret, signing_input)}"


def decode(token: str, secret: str, *, now: datetime | None = None) -> dict:
    """The claims of a token signed with `secret` and not expired; TokenRefused otherwise."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise TokenRefused(*INVALID)
    header_part, body_part, signature = token.split(".")
    expected = _signature(secret, f"{header_part}.{body_part}")
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise TokenRefused(*INVALID)
    try:
        header = json.loads(_b64decode(header_part))
        claims = json.loads(_b64decode(body_part))
    except (ValueError, binascii.Error) as err:
        raise TokenRefused(*INVALID) from err
    if header != HEADER or not isinstance(claims, dict):
        raise TokenRefused(*INVALID)
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= _epoch(now or timezone.now()):
        raise TokenRefused("token_expired", "This token has expired; verify the phone again.")
    return claims


def issue_token(*, attempt: VerificationAttempt, origin: str = "") -> str:
    """The token for an approved attempt (once: a second call for it raises TokenRefused)."""
    service: VerifyService = attempt.service
    now = timezone.now()
    verified_at = attempt.approved_at or now
    with transaction.atomic():
        if WidgetToken.objects.for_tenant(attempt.tenant_id).filter(attempt=attempt).exists():
            raise TokenRefused("token_issued", "A token was already issued for this verification.")
        row = WidgetToken.objects.create(
            tenant_id=attempt.tenant_id,
            attempt=attempt,
            phone=attempt.to,
            origin=origin[:300],
            issued_at=now,
            expires_at=now + TOKEN_TTL,
        )
    claims = {
        "iss": settings.PUBLIC_BASE_URL,
        "sub": attempt.to,
        "tid": attempt.tenant_id,
        "aid": attempt.pk,
        "ch": attempt.channel,
        "jti": str(row.pk),
        "iat": _epoch(now),
        "exp": _epoch(row.expires_at),
        "vat": _epoch(verified_at),
    }
    return sign(claims, service.token_secret.reveal())


def redeem_token(*, tenant: Tenant, token: str) -> RedeemedToken:
    """Check a token for `tenant` and mark it used: a second redemption is refused (409)."""
    service = VerifyService.objects.for_tenant(tenant).first()
    if service is None or not service.token_secret:
        raise TokenRefused(*INVALID)
    claims = decode(token, service.token_secret.reveal())
    if claims.get("tid") != tenant.pk:
        raise TokenRefused(*INVALID)
    try:
        token_id = uuid.UUID(str(claims.get("jti")))
    except ValueError as err:
        raise TokenRefused(*INVALID) from err
    rows = WidgetToken.objects.for_tenant(tenant).filter(pk=token_id, attempt_id=claims.get("aid"))
    if not rows.filter(redeemed_at__isnull=True).update(redeemed_at=timezone.now()):
        if rows.exists():
            raise TokenRefused("token_used", "This token was already used.", status=409)
        raise TokenRefused(*INVALID)
    row = rows.select_related("attempt").get()
    return RedeemedToken(
        phone=row.phone,
        verified_at=datetime.fromtimestamp(claims["vat"], tz=UTC),
        attempt=row.attempt,
        token_id=row.pk,
        channel=row.attempt.channel,
    )
