"""Read-side helpers for tenants: who belongs where, and with which role."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from tenants.models import BusinessProfile, Membership, Tenant


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


# Business-profile fields every registration (brand, customer profile) needs; the dashboard
# shows how many are filled.
PROFILE_KEY_FIELDS = (
    "legal_name",
    "business_type",
    "industry",
    "registration_number",
    "website",
    "address_street",
    "address_city",
    "address_region",
    "address_postal_code",
    "address_country",
    "owner_first_name",
    "owner_last_name",
    "owner_email",
    "contact_email",
    "contact_phone",
    "use_case",
)


@dataclass(frozen=True)
class ProfileCompleteness:
    percent: int
    missing: list[str]


def profile_completeness(profile: BusinessProfile | None) -> ProfileCompleteness:
    """Share of the key profile fields that are filled, and the labels of the missing ones."""
    fields = [BusinessProfile._meta.get_field(name) for name in PROFILE_KEY_FIELDS]
    if profile is None:
        return ProfileCompleteness(0, [str(f.verbose_name) for f in fields])
    missing = [str(f.verbose_name) for f in fields if getattr(profile, f.name) in ("", None)]
    filled = len(fields) - len(missing)
    return ProfileCompleteness(round(100 * filled / len(fields)), missing)
