"""A tenant's sign-in policy: whether every member must use a second factor.

The factors themselves are django-otp's devices (a TOTP device per person, and a static
device holding the recovery codes); they belong to the person, not to a tenant.
"""

from django.db import models

from tenants.models import TenantOwned


class TenantSecurityPolicy(TenantOwned):
    """Made on the owner's first change; a tenant without one does not enforce 2FA."""

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="security_policy"
    )
    require_two_factor = models.BooleanField(
        "require two-factor sign-in",
        default=False,
        help_text="Every member must sign in with an authenticator app code; members "
        "without one are asked to set it up on their next page.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "tenant security policies"

    def __str__(self) -> str:
        return f"Security policy of tenant {self.tenant_id}"
