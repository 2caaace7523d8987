"""Enrolling, checking and removing a person's second factor, and a tenant's 2FA rule.

A second factor is a confirmed TOTP device plus a static device of one-time recovery
codes (django-otp). Every change writes an audit row in each tenant the person belongs to.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Membership, Tenant
from tenants.services import Actor, record_audit
from twofactor.models import TenantSecurityPolicy
from twofactor.selectors import (
    RECOVERY_DEVICE_NAME,
    TOTP_DEVICE_NAME,
    has_two_factor,
    recovery_device_for,
    required_reason,
    totp_device_for,
)

WRONG_CODE = "That code is not right. Check your authenticator app and try again."


@dataclass(frozen=True)
class CodeCheck:
    """The device that accepted a code, or when the next try is allowed (throttled)."""

    device: Device | None = None
    retry_after: datetime | None = None


def normalize_code(code: str) -> str:
    """Codes as people type them: spaces and dashes dropped, recovery codes lower-cased."""
    return "".join(ch for ch in str(code) if ch not in " -\t").lower()


def _audit_person(*, user: AbstractBaseUser, actor: Actor, action: str) -> None:
    """One audit row per tenant the person belongs to (or one without a tenant)."""
    tenant_ids = list(Membership.objects.filter(user=user).values_list("tenant_id", flat=True))
    for tenant in Tenant.objects.filter(pk__in=tenant_ids) if tenant_ids else [None]:
        record_audit(tenant=tenant, actor=actor, action=action, target=user)


def totp_enrolment_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed device whose secret the person adds to their app (kept until used)."""
    if has_two_factor(user):
        raise ValidationError({"code": "Two-factor sign-in is already on."})
    device = totp_device_for(user, confirmed=False)
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def _new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.TWOFACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    device.throttle_reset()
    return codes


def totp_enrolment_confirm(*, user: AbstractBaseUser, code: str, actor: Actor) -> list[str]:
    """Switch 2FA on once the app's first code matches; returns the new recovery codes."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        if device is None or has_two_factor(user):
            raise ValidationError({"code": "Start setting up two-factor sign-in again."})
        if not device.verify_token(normalize_code(code)):
            raise ValidationError({"code": WRONG_CODE})
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _new_recovery_codes(user)
        _audit_person(user=user, actor=actor, action="two_factor.enabled")
    return codes


def recovery_codes_regenerate(*, user: AbstractBaseUser, actor: Actor) -> list[str]:
    """Ten fresh recovery codes; the old ones stop working."""
    if not has_two_factor(user):
        raise ValidationError({"code": "Switch two-factor sign-in on first."})
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        _audit_person(user=user, actor=actor, action="two_factor.recovery_codes_regenerated")
    return codes


def code_check(*, user: AbstractBaseUser, code: str) -> CodeCheck:
    """Check a sign-in code: six digits against the app, anything else as a recovery code.

    A recovery code is used up by the check that accepts it. Each device throttles its own
    failures (django-otp: 1, 2, 4 … seconds times the factor), so guessing stays slow.
    """
    code = normalize_code(code)
    if not code:
        return CodeCheck()
    is_totp = code.isdigit() and len(code) <= 8
    device = totp_device_for(user) if is_totp else recovery_device_for(user)
    if device is None:
        return CodeCheck()
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(retry_after=(details or {}).get("locked_until"))
    return CodeCheck(device=verify_token(user, device.persistent_id, code))


def two_factor_disable(*, user: AbstractBaseUser, code: str, actor: Actor) -> None:
    """Switch 2FA off, proven by a current code; never while staff or a tenant require it."""
    reason = required_reason(user)
    if reason:
        raise ValidationError({"code": f"You can't switch it off. {reason}"})
    checked = code_check(user=user, code=code)
    if checked.device is None:
        raise ValidationError({"code": WRONG_CODE})
    with transaction.atomic():
        _delete_devices(user)
        _audit_person(user=user, actor=actor, action="two_factor.disabled")


def two_factor_reset(*, user: AbstractBaseUser, actor: Actor) -> bool:
    """Staff remove a person's second factor (a lost phone); they enrol again at sign-in."""
    with transaction.atomic():
        removed = _delete_devices(user)
        if removed:
            _audit_person(user=user, actor=actor, action="two_factor.reset")
    return bool(removed)


def _delete_devices(user: AbstractBaseUser) -> int:
    totp, _ = TOTPDevice.objects.filter(user=user).delete()
    static, _ = StaticDevice.objects.filter(user=user).delete()
    return totp + static


def security_policy_update(
    *, tenant: Tenant, require_two_factor: bool, actor: Actor
) -> TenantSecurityPolicy:
    """Require (or stop requiring) a second factor of every member of the tenant."""
    with transaction.atomic():
        policy, _ = TenantSecurityPolicy.objects.select_for_update().get_or_create(tenant=tenant)
        if policy.require_two_factor == require_two_factor:
            return policy
        before = policy.require_two_factor
        policy.require_two_factor = require_two_factor
        policy.save()
        record_audit(
            tenant=tenant,
            actor=actor,
            action="security_policy.updated",
            target=policy,
            changes={"require_two_factor": [before, require_two_factor]},
        )
    return policy
