"""Staff's view of every tenant's WhatsApp templates: status, Twilio's raw status and last
error, the timeline, and the re-poll action. Templates are read-only here: tenants author."""

from django.contrib import admin, messages

from content.models import MessageTemplate, TemplateEvent
from content.services import template_repoll
from tenants.services import Actor


class TemplateEventInline(admin.TabularInline):
    model = TemplateEvent
    extra = 0
    fields = ["at", "kind", "from_value", "to_value", "raw_status", "reason"]
    readonly_fields = fields
    ordering = ["at", "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "tenant", "language", "category", "meta_category",
                    "content_type", "status", "raw_status", "content_sid",
                    "updated_at"]  # fmt: skip
    list_filter = ["status", "category", "content_type", "source"]
    search_fields = ["name", "content_sid", "tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    actions = ["repoll"]
    inlines = [TemplateEventInline]
    readonly_fields = [
        "tenant", "family", "version", "previous", "name", "language", "category",
        "content_type", "body", "footer", "media_url", "buttons", "variables",
        "add_security_recommendation", "code_expiration_minutes", "allow_category_change",
        "source", "content_sid", "status", "raw_status", "rejection_reason", "meta_category",
        "last_error_code", "last_error_message", "submit_attempts", "next_submit_at",
        "next_poll_at", "poll_attempts", "last_polled_at", "submitted_at", "decided_at",
        "created_by", "created_at", "updated_at",
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The list and its actions yes; a template's page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Re-poll the WhatsApp approval status now")
    def repoll(self, request, queryset) -> None:
        polled = 0
        for template in queryset.exclude(content_sid=""):
            template_repoll(template=template, actor=Actor.from_request(request))
            polled += 1
        self.message_user(request, f"{polled} template(s) queued for a poll.", messages.SUCCESS)
