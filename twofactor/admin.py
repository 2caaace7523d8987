"""Staff admin: each person's two-factor state with a reset action, and tenants' rules.

django-otp's own device admins stay registered; `OTP_ADMIN_HIDE_SENSITIVE_DATA` keeps
keys, QR codes and recovery codes out of them.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from tenants.services import Actor
from twofactor.models import TenantSecurityPolicy
from twofactor.selectors import has_two_factor
from twofactor.services import security_policy_update, two_factor_reset

User = get_user_model()


class TwoFactorUserAdmin(UserAdmin):
    """Django's user admin, plus whether each person has 2FA and a way to reset it."""

    actions = [*UserAdmin.actions, "reset_two_factor"]
    list_display = [*UserAdmin.list_display, "two_factor"]

    @admin.display(boolean=True, description="2FA")
    def two_factor(self, obj) -> bool:
        return has_two_factor(obj)

    @admin.action(description="Reset two-factor sign-in (the person sets it up again)")
    def reset_two_factor(self, request, queryset) -> None:
        actor = Actor.from_request(request)
        reset = sum(two_factor_reset(user=user, actor=actor) for user in queryset)
        self.message_user(request, f"Reset two-factor sign-in of {reset} people.", messages.SUCCESS)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, TwoFactorUserAdmin)


@admin.register(TenantSecurityPolicy)
class TenantSecurityPolicyAdmin(admin.ModelAdmin):
    list_display = ["tenant", "require_two_factor", "updated_at"]
    list_filter = ["require_two_factor"]
    list_select_related = ["tenant"]
    search_fields = ["tenant__name", "tenant__slug"]
    fields = ["tenant", "require_two_factor", "updated_at"]
    readonly_fields = ["updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["tenant", "updated_at"] if obj is not None else ["updated_at"]

    def save_model(self, request, obj, form, change) -> None:
        """Through the service, so a staff change is audited like an owner's."""
        policy = security_policy_update(
            tenant=obj.tenant,
            require_two_factor=form.cleaned_data["require_two_factor"],
            actor=Actor.from_request(request),
        )
        obj.pk, obj.updated_at = policy.pk, policy.updated_at
