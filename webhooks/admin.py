"""Staff admin of tenant webhooks: endpoints (never their secrets) and the delivery log."""

from django.contrib import admin, messages

from tenants.services import Actor
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.services import redeliver


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "tenant", "events", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url"]
    list_select_related = ["tenant"]
    fields = ["tenant", "url", "description", "events", "is_active", "created_at", "updated_at"]
    readonly_fields = ["tenant", "url", "events", "created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["attempted_at", "status_code", "error", "response_excerpt", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event_type", "endpoint", "state", "attempts",
                    "last_status_code"]  # fmt: skip
    list_filter = ["state", "event_type"]
    list_select_related = ["endpoint"]
    readonly_fields = ["tenant", "endpoint", "event_id", "event_type", "payload", "state",
                       "attempts", "last_status_code", "last_error", "next_attempt_at",
                       "redelivery_of", "created_at", "delivered_at"]  # fmt: skip
    inlines = [AttemptInline]
    actions = ["redeliver_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Deliver again")
    def redeliver_selected(self, request, queryset):
        actor = Actor.from_request(request)
        for delivery in queryset.select_related("endpoint__tenant"):
            redeliver(delivery=delivery, actor=actor)
        self.message_user(request, f"Redelivering {queryset.count()} event(s).", messages.INFO)
