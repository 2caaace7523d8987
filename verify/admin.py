"""Staff's view of Verify: each tenant's service (switch on, re-sync with Twilio), the attempt
and check logs (read-only), and the SMS pumping alerts to review."""

from django import forms
from django.contrib import admin, messages

from tenants.models import Tenant
from tenants.services import Actor
from verify import enqueue, services
from verify.errors import VerifyRefused
from verify.models import (
    PumpingAlert,
    VerificationAttempt,
    VerificationCheck,
    VerifyService,
    VerifyUsageDay,
    WidgetToken,
)
from verify.services import rules
from verify.services.alerts import alert_review


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SwitchOnForm(forms.ModelForm):
    """Staff switch Verify on for a tenant: the same service as the portal switch."""

    tenant = forms.ModelChoiceField(queryset=Tenant.objects.order_by("name"))

    class Meta:
        model = VerifyService
        fields = ["tenant", "brand_name"]

    def clean_brand_name(self) -> str:
        try:
            return rules.brand_name(self.cleaned_data.get("brand_name"))
        except VerifyRefused as err:
            raise forms.ValidationError(err.message) from err

    def clean_tenant(self) -> Tenant:
        tenant = self.cleaned_data["tenant"]
        if tenant.status != Tenant.Status.ACTIVE:
            raise forms.ValidationError(tenant.inactive_message)
        return tenant

    def validate_unique(self) -> None:
        """Switching on again is allowed: the service is re-enabled, not duplicated."""


@admin.register(VerifyService)
class VerifyServiceAdmin(admin.ModelAdmin):
    list_display = ["brand_name", "tenant", "status", "enabled", "twilio_sid", "synced_at"]
    list_filter = ["status", "enabled"]
    search_fields = ["brand_name", "tenant__name", "twilio_sid"]
    actions = ["resync"]
    readonly_fields = [
        "tenant",
        "status",
        "enabled",
        "twilio_sid",
        "last_error",
        "synced_at",
        "brand_name",
        "code_length",
        "channels",
        "default_locale",
        "template_sid",
        "allowed_countries",
        "lookup_enabled",
        "do_not_share_warning",
        "per_number_hourly_limit",
        "per_ip_hourly_limit",
        "prefix_burst_limit",
        "allowed_origins",
        "created_at",
        "updated_at",
    ]
    exclude = ["publishable_key", "claim_token", "claimed_until"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SwitchOnForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_exclude(self, request, obj=None):
        return self.exclude if obj is not None else None

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["tenant", "brand_name"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = services.enable_verify(
            form.cleaned_data["tenant"],
            brand_name=form.cleaned_data["brand_name"],
            actor=Actor.from_request(request),
        )
        obj.pk = saved.pk

    @admin.action(description="Re-sync with Twilio (recreate if missing, push settings)")
    def resync(self, request, queryset):
        actor = Actor.from_request(request)
        for service in queryset:
            services.request_sync(service, actor=actor)
        self.message_user(request, f"Re-sync queued for {queryset.count()}.", messages.SUCCESS)


class CheckInline(admin.TabularInline):
    model = VerificationCheck
    fields = ["created_at", "result", "error_code", "client_ip"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VerificationAttempt)
class VerificationAttemptAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "to", "channel", "country", "status", "price"]
    list_filter = ["status", "channel", "source", "country"]
    search_fields = ["to", "twilio_sid", "tenant__name"]
    date_hierarchy = "created_at"
    inlines = [CheckInline]


@admin.register(VerificationCheck)
class VerificationCheckAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "attempt", "result", "error_code"]
    list_filter = ["result"]
    search_fields = ["attempt__to", "attempt__twilio_sid", "tenant__name"]


@admin.register(VerifyUsageDay)
class VerifyUsageDayAdmin(ReadOnlyAdmin):
    """Twilio's billed Verify cost per tenant and day (its usage records), read hourly."""

    list_display = ["day", "tenant", "twilio_cost", "currency", "fetched_at"]
    list_filter = ["day"]
    search_fields = ["tenant__name"]
    actions = ["read_again"]

    @admin.action(description="Read again from Twilio")
    def read_again(self, request, queryset) -> None:
        tenant_ids = set(queryset.values_list("tenant_id", flat=True))
        for tenant_id in tenant_ids:
            enqueue.sync_usage(tenant_id)
        self.message_user(request, f"Usage read queued for {len(tenant_ids)} tenant(s).")


@admin.register(PumpingAlert)
class PumpingAlertAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "prefix", "country", "sends", "limit", "refused"]
    list_filter = ["reviewed_at", "country"]
    search_fields = ["prefix", "tenant__name"]
    actions = ["review"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and request.user.is_staff

    @admin.action(description="Mark reviewed")
    def review(self, request, queryset):
        for alert in queryset:
            alert_review(alert, user=request.user)
        self.message_user(request, f"Reviewed {queryset.count()}.", messages.SUCCESS)


@admin.register(WidgetToken)
class WidgetTokenAdmin(ReadOnlyAdmin):
    """The widget's success tokens (ids only: a token itself is never kept)."""

    list_display = ["issued_at", "tenant", "phone", "origin", "expires_at", "redeemed_at"]
    list_filter = ["redeemed_at"]
    search_fields = ["phone", "origin", "tenant__name"]
    date_hierarchy = "issued_at"
