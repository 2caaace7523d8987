"""Staff view of 10DLC: a review queue of every tenant's versions by status and age, each
step's Twilio SID, raw status and raw error, and the actions re-poll and resubmit; and the
toll-free verifications with Twilio's reasons and edit window.

Registrations and their Twilio objects mirror Twilio, so they change through services only;
an approved brand or campaign (like an approved version) is read-only here.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from compliance.models import (
    A2PBrand,
    A2PCampaign,
    CustomerProfile,
    Registration,
    ReviewStatus,
    StatusTransition,
    TollFreeVerification,
    TrustProduct,
)
from compliance.services import (
    ComplianceConflict,
    registration_repoll,
    registration_resubmit,
    tollfree_poll,
)
from compliance.timeline import timeline
from isvplatform import gateway
from isvplatform.labels import error_label
from tenants.services import Actor


class TransitionInline(admin.TabularInline):
    model = StatusTransition
    extra = 0
    can_delete = False
    fields = ["at", "object_type", "sid", "from_status", "to_status", "raw_status", "reason"]
    readonly_fields = fields
    ordering = ["at", "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "tenant",
        "version",
        "status",
        "step",
        "waiting",
        "brand_status",
        "campaign_status",
        "is_active",
        "last_error",
    ]
    list_filter = ["status", "step", "brand_type", "is_active"]
    search_fields = ["tenant__name", "tenant__slug", "brand__sid", "customer_profile__sid"]
    ordering = ["status", "updated_at"]
    list_select_related = ["tenant", "brand", "campaign"]
    actions = ["repoll", "resubmit"]
    inlines = [TransitionInline]
    readonly_fields = [
        "tenant",
        "version",
        "status",
        "step",
        "is_active",
        "brand_type",
        "use_case",
        "messaging_service_sid",
        "needs_cutover",
        "rejection_reason",
        "last_error_code",
        "last_error_message",
        "attempts",
        "next_run_at",
        "steps",
        "snapshot",
        "created_by",
        "created_at",
        "submitted_at",
        "approved_at",
        "rejected_at",
        "superseded_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The list (and its actions) yes; a version's page is read-only: it is a snapshot.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="waiting for")
    def waiting(self, obj: Registration) -> str:
        since = obj.submitted_at or obj.created_at
        if obj.status in (Registration.Status.APPROVED, Registration.Status.SUPERSEDED):
            return "—"
        return timesince(since, timezone.now())

    @admin.display(description="brand")
    def brand_status(self, obj: Registration) -> str:
        return f"{obj.brand.get_status_display()} ({obj.brand.raw_status})" if obj.brand else "—"

    @admin.display(description="campaign")
    def campaign_status(self, obj: Registration) -> str:
        if obj.campaign is None:
            return "—"
        return f"{obj.campaign.get_status_display()} ({obj.campaign.raw_status})"

    @admin.display(description="last error")
    def last_error(self, obj: Registration) -> str:
        if not obj.last_error_message:
            return ""
        return error_label(obj.last_error_code, obj.last_error_message)[:120]

    @admin.display(description="steps: Twilio SID, raw status, errors")
    def steps(self, obj: Registration):
        objects = {
            "customer_profile": obj.customer_profile,
            "trust_product": obj.trust_product,
            "brand": obj.brand,
            "campaign": obj.campaign,
        }
        rows = []
        for step in timeline(obj):
            twilio_object = objects.get(step.step)
            raw_error = ""
            if twilio_object is not None and twilio_object.last_error_message:
                raw_error = error_label(
                    twilio_object.last_error_code, twilio_object.last_error_message
                )
            reasons = "; ".join(r.get("message", "") for r in step.reasons)
            rows.append(
                (
                    step.label,
                    step.status_label,
                    step.raw_status or "—",
                    step.sid or "—",
                    reasons or "—",
                    raw_error or "—",
                )
            )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td>"
            "<td>{}</td></tr>",
            rows,
        )
        return format_html(
            "<table><thead><tr><th>Step</th><th>Status</th><th>Twilio status</th><th>SID</th>"
            "<th>Reasons</th><th>Last Twilio error</th></tr></thead><tbody>{}</tbody></table>",
            body,
        )

    @admin.action(description="Re-poll Twilio now and continue")
    def repoll(self, request, queryset):
        actor = Actor.from_request(request)
        for registration in queryset.select_related("tenant"):
            registration_repoll(registration=registration, actor=actor)
        self.message_user(request, f"Re-polled {queryset.count()}.", messages.SUCCESS)

    @admin.action(description="Resubmit the tenant's current details as a new version")
    def resubmit(self, request, queryset):
        actor = Actor.from_request(request)
        tenants = {r.tenant_id: r.tenant for r in queryset.select_related("tenant")}
        for tenant in tenants.values():
            try:
                created = registration_resubmit(tenant=tenant, actor=actor)
            except ValidationError as err:
                problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in err.message_dict.items())
                self.message_user(request, f"{tenant}: {problems}", messages.ERROR)
            except (ComplianceConflict, gateway.GatewayError) as err:
                self.message_user(request, f"{tenant}: {err}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{tenant}: version {created.version} submitted.", messages.SUCCESS
                )


class TwilioObjectAdmin(admin.ModelAdmin):
    """A Twilio object under review. Staff may only reschedule its next poll, and nothing
    once it is approved (it is locked: changes go into a new version)."""

    list_display = ["__str__", "tenant", "status", "raw_status", "sid", "next_poll_at", "error"]
    list_filter = ["status"]
    search_fields = ["sid", "tenant__name"]
    list_select_related = ["tenant"]
    editable_fields = ["next_poll_at"]

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields]
        if obj is not None and obj.status == ReviewStatus.APPROVED:
            return names
        return [n for n in names if n not in self.editable_fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status == ReviewStatus.APPROVED:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="last Twilio error")
    def error(self, obj) -> str:
        if not obj.last_error_message:
            return ""
        return error_label(obj.last_error_code, obj.last_error_message)[:120]


@admin.register(CustomerProfile)
class CustomerProfileAdmin(TwilioObjectAdmin):
    pass


@admin.register(TrustProduct)
class TrustProductAdmin(TwilioObjectAdmin):
    pass


@admin.register(A2PBrand)
class A2PBrandAdmin(TwilioObjectAdmin):
    list_display = [
        *TwilioObjectAdmin.list_display,
        "brand_type",
        "brand_score",
        "identity_status",
        "otp_expires",
    ]
    list_filter = ["status", "brand_type"]

    @admin.display(description="OTP expires")
    def otp_expires(self, obj) -> str:
        """A sole proprietor's brand waiting for the owner's YES: until when it may come."""
        return f"{obj.otp_expires_at:%Y-%m-%d %H:%M} UTC" if obj.awaiting_otp else ""


@admin.register(A2PCampaign)
class A2PCampaignAdmin(TwilioObjectAdmin):
    list_display = [*TwilioObjectAdmin.list_display, "use_case", "messaging_service_sid"]


@admin.register(TollFreeVerification)
class TollFreeVerificationAdmin(TwilioObjectAdmin):
    """Every tenant's toll-free verifications: the review queue by status, Twilio's reasons
    and edit window, and a re-poll action."""

    list_display = [
        "tenant",
        "number",
        "version",
        "status",
        "raw_status",
        "sid",
        "reasons",
        "edit_expiration",
        "next_poll_at",
        "error",
    ]
    list_filter = ["status", "raw_status"]
    search_fields = ["sid", "tenant__name", "phone_number__phone_number"]
    list_select_related = ["tenant", "phone_number"]
    ordering = ["status", "-created_at"]
    actions = ["repoll"]

    @admin.display(description="number", ordering="phone_number__phone_number")
    def number(self, obj: TollFreeVerification) -> str:
        return obj.phone_number.phone_number

    @admin.display(description="Twilio's reasons")
    def reasons(self, obj: TollFreeVerification) -> str:
        return "; ".join(f"{r.get('code')}: {r.get('message')}" for r in obj.errors or [])[:160]

    @admin.action(description="Re-poll Twilio now")
    def repoll(self, request, queryset):
        for verification in queryset:
            tollfree_poll(str(verification.pk), force=True)
        self.message_user(request, f"Re-polled {queryset.count()} verification(s).")
