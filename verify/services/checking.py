"""Checking a code a person typed: Twilio compares it, the platform records the outcome.

A wrong code is no refusal (the check is recorded, `result` says so); an expired or already
approved verification (Twilio's 20404) and the fifth wrong code (60202) are. The code is
passed to Twilio and never stored or logged.
"""

from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount, tenant_account
from tenants.models import Tenant
from verify import prices, rollups
from verify.errors import VerifyRefused, from_gateway
from verify.models import VerificationAttempt, VerificationCheck
from verify.services.destinations import lookup_key
from verify.services.sending import ready_service

Status = VerificationAttempt.Status
Result = VerificationCheck.Result
CODE_LENGTH = (4, 10)
# Twilio's answer -> (the check's result, the attempt's new status).
OUTCOMES = {
    "approved": (Result.APPROVED, Status.APPROVED),
    "pending": (Result.WRONG_CODE, Status.PENDING),
    "max_attempts_reached": (Result.TOO_MANY, Status.MAX_ATTEMPTS),
    "canceled": (Result.EXPIRED, Status.CANCELED),
    "expired": (Result.EXPIRED, Status.EXPIRED),
}
REFUSED = {20404: (Result.EXPIRED, Status.EXPIRED), 60202: (Result.TOO_MANY, Status.MAX_ATTEMPTS)}


def _code(code: str) -> str:
    text = str(code or "").strip()
    low, high = CODE_LENGTH
    if not text:
        raise VerifyRefused("invalid", "Enter the code that was received.", "code", 400)
    if not (low <= len(text) <= high and text.isalnum()):
        raise VerifyRefused(
            "invalid", f"A code has {low} to {high} letters or digits.", "code", 400
        )
    return text


def _attempt(
    tenant: Tenant, to: str | None, attempt: VerificationAttempt | None
) -> VerificationAttempt:
    if attempt is not None:
        if attempt.tenant_id != tenant.pk:
            raise VerifyRefused("not_found", "No such verification.", "verification_id", 404)
        return attempt
    if not to:
        raise VerifyRefused(
            "invalid", "Give the destination (to) or the verification id.", "to", 400
        )
    found = (
        VerificationAttempt.objects.for_tenant(tenant)
        .select_related("service")
        .filter(to=lookup_key(to))
        .exclude(twilio_sid="")
        .order_by("-created_at")
        .first()
    )
    if found is None:
        raise VerifyRefused("not_found", "No verification was sent to this destination.", "to", 404)
    return found


def _record(
    attempt: VerificationAttempt, result: str, status: str, *, error_code: str, client_ip
) -> VerificationCheck:
    now = timezone.now()
    with transaction.atomic():
        check = VerificationCheck.objects.create(
            tenant_id=attempt.tenant_id,
            attempt=attempt,
            result=result,
            error_code=error_code,
            client_ip=client_ip or None,
            created_at=now,
        )
        changes: dict = {"updated_at": now}
        live = attempt.status in (Status.PENDING, Status.MAX_ATTEMPTS)
        if live and status != attempt.status:
            changes["status"] = status
            if status == Status.APPROVED:
                changes["approved_at"] = now
                sends = max(attempt.send_count, 1)
                changes["price"] = prices.send_price(attempt.channel) * sends + prices.SUCCESS_FEE
                changes["price_unit"] = prices.CURRENCY
        VerificationAttempt.objects.filter(pk=attempt.pk).update(**changes)
        if "status" in changes:
            rollups.mark_attempt_dirty(attempt)
    for name, value in changes.items():
        setattr(attempt, name, value)
    return check


def check_verification(
    tenant: Tenant,
    *,
    code: str,
    to: str | None = None,
    attempt: VerificationAttempt | None = None,
    client_ip: str | None = None,
) -> VerificationCheck:
    """Check `code` against the verification of `attempt` (or the latest one sent to `to`);
    the check's `result` says whether it was right. Raises VerifyRefused for refusals."""
    service = ready_service(tenant)
    code = _code(code)
    attempt = _attempt(tenant, to, attempt)
    if attempt.status != Status.PENDING:
        _record(
            attempt,
            Result.EXPIRED if attempt.status != Status.MAX_ATTEMPTS else Result.TOO_MANY,
            attempt.status,
            error_code="20404",
            client_ip=client_ip,
        )
        raise from_gateway(gateway.NotFoundError("", code=20404, status=404))
    service_sid = attempt.service.twilio_sid or service.twilio_sid
    try:
        answer = gateway.check_verification(
            tenant_account(tenant).client(),
            service_sid,
            code=code,
            verification_sid=attempt.twilio_sid,
        )
    except NoTwilioAccount as err:
        raise VerifyRefused("no_twilio_account", str(err), None, 409) from err
    except gateway.GatewayError as err:
        result, status = REFUSED.get(err.code or 0, (Result.ERROR, attempt.status))
        _record(attempt, result, status, error_code=str(err.code or ""), client_ip=client_ip)
        raise from_gateway(err) from err
    result, status = OUTCOMES.get(answer.status, (Result.ERROR, attempt.status))
    return _record(attempt, result, status, error_code="", client_ip=client_ip)
