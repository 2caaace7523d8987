"""Staff's view of the email channel. Identities can be re-checked, or marked verified by
hand where the ESP has no verification API (not SES); templates and tracking events are
the tenants' records, read-only; ESP credentials show their status and masked key only,
never a secret."""

from django.conf import settings
from django.contrib import admin, messages

from emails.models import EmailEvent, EmailIdentity, EmailTemplate, EspCredentials
from emails.selectors import masked_key
from emails.services import identity_check_now, identity_mark_verified
from tenants.services import Actor


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request)


@admin.register(EmailIdentity)
class EmailIdentityAdmin(_ReadOnly):
    list_display = ["name", "kind", "tenant", "status", "dkim_status", "own_credentials",
                    "last_checked_at", "verified_at"]  # fmt: skip
    list_filter = ["status", "kind", "own_credentials", "esp"]
    search_fields = ["name", "tenant__name"]
    list_select_related = ["tenant"]
    readonly_fields = [
        "tenant", "kind", "name", "esp", "own_credentials", "status", "dkim_status",
        "dkim_tokens", "verified_at", "last_checked_at", "next_check_at", "checks",
        "failure_reason", "actor_label", "created_at", "updated_at",
    ]  # fmt: skip
    fields = readonly_fields
    actions = ["check_now", "mark_verified"]

    @admin.action(description="Check the verification status at the ESP now")
    def check_now(self, request, queryset):
        actor = Actor.from_request(request)
        count = 0
        for identity in queryset.exclude(status=EmailIdentity.Status.VERIFIED):
            identity_check_now(identity=identity, actor=actor)
            count += 1
        self.message_user(request, f"Checking {count} identity(ies).", messages.INFO)

    @admin.action(description="Mark verified (an ESP without a verification API, not SES)")
    def mark_verified(self, request, queryset):
        if settings.EMAIL_ESP == "amazon_ses":
            self.message_user(
                request,
                "Amazon SES verifies identities itself; use “Check now” instead.",
                messages.ERROR,
            )
            return
        actor = Actor.from_request(request)
        count = 0
        for identity in queryset.exclude(status=EmailIdentity.Status.VERIFIED):
            identity_mark_verified(identity=identity, actor=actor)
            count += 1
        self.message_user(request, f"Marked {count} identity(ies) verified.", messages.SUCCESS)


@admin.register(EmailTemplate)
class EmailTemplateAdmin(_ReadOnly):
    list_display = ["name", "tenant", "category", "subject", "text_generated", "updated_at"]
    list_filter = ["category", "text_generated"]
    search_fields = ["name", "subject", "tenant__name"]
    list_select_related = ["tenant"]
    readonly_fields = ["tenant", "name", "category", "subject", "html", "text",
                       "text_generated", "actor_label", "created_at", "updated_at"]  # fmt: skip
    fields = readonly_fields


@admin.register(EspCredentials)
class EspCredentialsAdmin(_ReadOnly):
    """Status only: the secret key and the webhook secret are never on a staff page."""

    list_display = ["tenant", "esp", "masked_access_key", "region", "status", "checked_at"]
    list_filter = ["esp", "status"]
    search_fields = ["tenant__name"]
    list_select_related = ["tenant"]
    readonly_fields = ["tenant", "esp", "masked_access_key", "region", "status", "check_error",
                       "checked_at", "configuration_set", "created_at", "updated_at"]  # fmt: skip
    fields = readonly_fields

    @admin.display(description="Access key id")
    def masked_access_key(self, credentials: EspCredentials) -> str:
        return masked_key(credentials)


@admin.register(EmailEvent)
class EmailEventAdmin(_ReadOnly):
    list_display = ["occurred_at", "event_type", "recipient", "esp_name", "message", "tenant"]
    list_filter = ["event_type", "esp_name"]
    search_fields = ["recipient", "event_id", "message__esp_message_id"]
    list_select_related = ["tenant"]
    show_full_result_count = False
    readonly_fields = ["tenant", "message", "esp_name", "event_id", "event_type", "recipient",
                       "occurred_at", "description", "mta_response", "click_url", "user_agent",
                       "payload", "received_at"]  # fmt: skip
    fields = readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
