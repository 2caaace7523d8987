"""Staff admin of tenants. Every state change goes through a service, so it is audited."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from isvplatform.admin_confirm import confirm_with_reason
from tenants.models import APIKey, AuditEvent, BusinessProfile, Membership, Tenant
from tenants.services import (
    SUSPENSION_REASON_MAX_LENGTH,
    Actor,
    api_key_revoke,
    business_profile_review,
    member_change_role,
    member_remove,
    record_audit,
    tenant_set_status,
)

Role = Membership.Role


def _report(modeladmin: admin.ModelAdmin, request, done: int, verb: str, failures: list[str]):
    if done:
        modeladmin.message_user(request, f"{verb} {done}.", messages.SUCCESS)
    for failure in failures:
        modeladmin.message_user(request, failure, messages.ERROR)


# --- tenants ----------------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "suspension_reason", "is_demo", "created_at"]
    list_filter = ["status", "is_demo"]
    search_fields = ["name", "slug"]
    fields = [
        "name",
        "slug",
        "status",
        "suspension_reason",
        "is_demo",
        "created_at",
        "updated_at",
    ]
    # A demo tenant's accounts live in the sandbox: switching later would strand them.
    readonly_fields = [
        "slug",
        "status",
        "suspension_reason",
        "is_demo",
        "created_at",
        "updated_at",
    ]
    inlines = [MembershipInline]
    actions = ["suspend", "reactivate"]

    def has_add_permission(self, request) -> bool:
        # Tenants are created with their owner, through the staff API or the portal.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: Tenant, form, change: bool) -> None:
        obj.save()
        if form.changed_data:
            record_audit(
                tenant=obj,
                actor=Actor.from_request(request),
                action="tenant.updated",
                target=obj,
                changes={name: str(form.cleaned_data[name]) for name in form.changed_data},
            )

    def _set_status(self, request, queryset, status: str, verb: str, reason: str = "") -> None:
        actor = Actor.from_request(request)
        done, failures = 0, []
        for tenant in queryset:
            try:
                tenant_set_status(tenant=tenant, status=status, actor=actor, reason=reason)
                done += 1
            except ValidationError as err:
                failures.append(f"{tenant}: {' '.join(err.messages)}")
        _report(self, request, done, verb, failures)

    @admin.action(
        description="Suspend selected tenants (asks to confirm, with a reason)",
        permissions=["change"],
    )
    def suspend(self, request, queryset):
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Suspend tenants",
            intro="These tenants' people and API keys will be able to look but not change or "
            "send anything until a tenant is reactivated. They see the reason on every page.",
            submit="Yes, suspend them",
            help_text="The tenant sees this; say what to do to be reactivated.",
            max_length=SUSPENSION_REASON_MAX_LENGTH,
            describe=lambda t: f"{t} ({t.get_status_display().lower()})",
            apply=lambda reason: self._set_status(
                request, queryset, Tenant.Status.SUSPENDED, "Suspended", reason
            ),
        )

    @admin.action(description="Reactivate selected tenants", permissions=["change"])
    def reactivate(self, request, queryset) -> None:
        self._set_status(request, queryset, Tenant.Status.ACTIVE, "Reactivated")


# --- memberships ------------------------------------------------------------------------


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if self.instance.role == Role.OWNER and role != Role.OWNER:
            owners = Membership.objects.for_tenant(self.instance.tenant_id).filter(role=Role.OWNER)
            if not owners.exclude(pk=self.instance.pk).exists():
                raise ValidationError("A tenant must keep at least one owner.")
        return role


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__username", "tenant__name"]
    list_select_related = ["user", "tenant"]
    readonly_fields = ["user", "tenant", "created_at"]
    fields = ["user", "tenant", "role", "created_at"]
    actions = ["remove"]

    def has_add_permission(self, request) -> bool:
        # People join a tenant by invitation (portal or API), which creates their account.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: Membership, form, change: bool) -> None:
        if "role" in form.changed_data:
            member_change_role(membership=obj, role=obj.role, actor=Actor.from_request(request))

    @admin.action(description="Remove selected people from their tenant", permissions=["change"])
    def remove(self, request, queryset) -> None:
        actor = Actor.from_request(request)
        done, failures = 0, []
        for membership in queryset:
            try:
                member_remove(membership=membership, actor=actor)
                done += 1
            except ValidationError as err:
                failures.append(f"{membership}: {' '.join(err.messages)}")
        _report(self, request, done, "Removed", failures)


# --- business profiles ------------------------------------------------------------------


@admin.register(BusinessProfile)
class BusinessProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tenant", "verification_status", "verified_at", "updated_at"]
    list_filter = ["verification_status", "business_type"]
    search_fields = ["legal_name", "dba_name", "tenant__name", "registration_number"]
    list_select_related = ["tenant"]
    actions = ["verify", "reject"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Tenants edit their profile; staff review it with the actions.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_review_permission(self, request) -> bool:
        return request.user.has_perm("tenants.change_businessprofile")

    @admin.action(description="Verify selected profiles", permissions=["review"])
    def verify(self, request, queryset) -> None:
        actor = Actor.from_request(request)
        for profile in queryset:
            business_profile_review(profile=profile, verified=True, actor=actor)
        _report(self, request, queryset.count(), "Verified", [])

    @admin.action(
        description="Reject selected profiles (asks for a reason)", permissions=["review"]
    )
    def reject(self, request, queryset):
        def apply(reason: str) -> None:
            actor = Actor.from_request(request)
            for profile in queryset:
                business_profile_review(profile=profile, verified=False, reason=reason, actor=actor)
            _report(self, request, len(queryset), "Rejected", [])

        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Reject business profiles",
            intro="These business profiles will be rejected, and their tenants told why:",
            submit="Reject",
            help_text="The tenant sees this; say what to fix.",
            describe=lambda profile: f"{profile} ({profile.tenant})",
            apply=apply,
        )


# --- API keys ---------------------------------------------------------------------------


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "tenant",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "tenant__name"]
    list_select_related = ["tenant"]
    # Never the hash: fields are listed, not excluded, so a new secret column stays hidden.
    fields = [
        "name",
        "tenant",
        "prefix",
        "scopes",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        # A key is shown once to whoever creates it, in the portal or the API.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("tenants.change_apikey")

    @admin.action(description="Revoke selected keys", permissions=["revoke"])
    def revoke(self, request, queryset) -> None:
        actor = Actor.from_request(request)
        for api_key in queryset:
            api_key_revoke(api_key=api_key, actor=actor)
        _report(self, request, len(queryset), "Revoked", [])


# --- audit log --------------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "tenant", "actor_label", "action", "target_label", "ip_address"]
    list_filter = ["actor_type", "action"]
    search_fields = ["action", "actor_label", "target_label", "target_id", "tenant__name"]
    list_select_related = ["tenant"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
