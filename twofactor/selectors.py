"""Who has a second factor, who must have one, and what a person has left of it."""

import time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.models import Membership, Tenant
from twofactor.models import TenantSecurityPolicy

# The names of the two devices a person's second factor is made of.
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def policy_for(tenant: Tenant) -> TenantSecurityPolicy:
    """The tenant's policy; an unsaved one (nothing enforced) when it never changed it."""
    policy = TenantSecurityPolicy.objects.for_tenant(tenant).first()
    return policy or TenantSecurityPolicy(tenant=tenant)


def totp_device_for(user: AbstractBaseUser, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def recovery_device_for(user: AbstractBaseUser) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def has_two_factor(user: AbstractBaseUser) -> bool:
    """Signing in needs a code: the person confirmed an authenticator app."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    device = recovery_device_for(user)
    return device.token_set.count() if device is not None else 0


def staff_requirement_applies(user: AbstractBaseUser) -> bool:
    return settings.TWOFACTOR_REQUIRED_FOR_STAFF and (user.is_staff or user.is_superuser)


def enforcing_tenants(user: AbstractBaseUser) -> list[Tenant]:
    """The tenants of the person whose owners require a second factor of every member."""
    tenant_ids = Membership.objects.filter(user=user).values("tenant_id")
    policies = TenantSecurityPolicy.objects.filter(
        tenant_id__in=tenant_ids, require_two_factor=True
    )
    return [policy.tenant for policy in policies.select_related("tenant")]


# Both facts in one statement, written out: the gate asks them on every request of a person
# without a second factor, and the ORM took longer to build the query than the database to
# answer it.
_GATE_FACTS_SQL = (
    "SELECT EXISTS (SELECT 1 FROM {device} WHERE user_id = %s AND confirmed),"
    " EXISTS (SELECT 1 FROM {policy} p JOIN {membership} m ON m.tenant_id = p.tenant_id"
    " WHERE m.user_id = %s AND p.require_two_factor)"
)


def gate_facts(user: AbstractBaseUser) -> tuple[bool, bool]:
    """(`has_two_factor`, a tenant of the person enforces 2FA) in one query."""
    sql = _GATE_FACTS_SQL.format(
        device=TOTPDevice._meta.db_table,
        policy=TenantSecurityPolicy._meta.db_table,
        membership=Membership._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        has_device, enforced = cursor.fetchone()
    return bool(has_device), bool(enforced)


def two_factor_required(user: AbstractBaseUser) -> bool:
    """Whether the person may not go without a second factor (staff, or a tenant's rule)."""
    return staff_requirement_applies(user) or bool(enforcing_tenants(user))


def required_reason(user: AbstractBaseUser) -> str:
    """Why the person can't switch two-factor sign-in off, as a sentence ("" if they can)."""
    if staff_requirement_applies(user):
        return "Two-factor sign-in is required for staff."
    names = ", ".join(tenant.name for tenant in enforcing_tenants(user))
    return f"Required by the owners of {names}." if names else ""


def member_counts(tenant: Tenant) -> tuple[int, int]:
    """(members, members with a confirmed authenticator app) of the tenant."""
    members = Membership.objects.for_tenant(tenant)
    enrolled = TOTPDevice.objects.filter(
        confirmed=True, user_id__in=members.values("user_id")
    ).values("user_id")
    return members.count(), enrolled.distinct().count()


def totp_current_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (for `manage.py totp_code` in development and
    tests); `steps_ahead` gives a later one, since each code signs in only once."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
