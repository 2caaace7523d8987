"""Staff view of every tenant's WhatsApp senders: status, Twilio's status and reasons,
quality and limit, the timeline; the action re-syncs selected senders from Twilio. Senders
mirror Twilio, so they change through the services only."""

from django.contrib import admin, messages

from whatsapp.models import SenderEvent, WhatsAppSender
from whatsapp.services import poll_sender


class SenderEventInline(admin.TabularInline):
    model = SenderEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "raw_status", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WhatsAppSender)
class WhatsAppSenderAdmin(admin.ModelAdmin):
    list_display = [
        "phone_number",
        "tenant",
        "display_name",
        "status",
        "raw_status",
        "quality_rating",
        "messaging_limit",
        "last_polled_at",
        "created_at",
    ]
    list_filter = ["status", "quality_rating"]
    search_fields = ["phone_number__phone_number", "sid", "waba_id", "display_name", "tenant__name"]
    list_select_related = ["tenant", "phone_number"]
    inlines = [SenderEventInline]
    actions = ["resync"]
    exclude = ["claim_token", "claimed_until"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Re-sync from Twilio")
    def resync(self, request, queryset):
        moved = 0
        for sender in queryset.exclude(sid=""):
            before = sender.status
            after = poll_sender(str(sender.pk), force=True)
            moved += after is not None and after.status != before
        self.message_user(
            request, f"Re-synced {queryset.count()} sender(s); {moved} changed.", messages.SUCCESS
        )
