"""Read-side helpers for tenants: who belongs where, and with which role."""

from django.contrib.auth.models import AbstractBaseUser

from tenants.models import Membership, Tenant


def memberships_for_user(user: AbstractBaseUser) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user)
        .exclude(tenant__status=Tenant.Status.CLOSED)
        .select_related("tenant")
        .order_by("tenant__name")
    )


def membership_for(user: AbstractBaseUser, tenant_id: int | None) -> Membership | None:
    if not user.is_authenticated or tenant_id is None:
        return None
    return (
        Membership.objects.filter(user=user, tenant_id=tenant_id)
        .exclude(tenant__status=Tenant.Status.CLOSED)
        .select_related("tenant")
        .first()
    )
