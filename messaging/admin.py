"""Staff admin of messaging: read-mostly views of messages, threads, opt-outs and raw events.

Messages and raw events are records of what happened, so they are read-only; the consent
ledger is append-only, so nothing there can be changed or deleted.
"""

from django.contrib import admin, messages

from messaging.models import (
    ConsentEvent,
    Conversation,
    Message,
    MessageMedia,
    MessagingSettings,
    OptOut,
    WebhookEvent,
)
from messaging.services import optout_remove
from messaging.tasks import (
    reconcile_message_task,
    send_message_task,
    settle_unknown_message_task,
)
from tenants.services import Actor


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MediaInline(admin.TabularInline):
    model = MessageMedia
    fields = ["position", "sid", "content_type", "url", "fetched_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "direction", "channel", "from_number", "to_number",
                    "status", "error_code", "sid"]  # fmt: skip
    list_filter = ["direction", "channel", "status", "origin"]
    search_fields = ["sid", "to_number", "from_number"]
    list_select_related = ["tenant"]
    show_full_result_count = False
    inlines = [MediaInline]
    actions = ["reconcile_now", "resend_stuck", "settle_unknown"]

    @admin.action(description="Fetch the status from Twilio now")
    def reconcile_now(self, request, queryset):
        ids = [str(pk) for pk in queryset.filter(sid__isnull=False).values_list("pk", flat=True)]
        for message_id in ids:
            reconcile_message_task.delay(message_id)
        self.message_user(request, f"Reconciling {len(ids)} message(s).", messages.SUCCESS)

    @admin.action(description="Look for unknown messages at Twilio again (never re-sends)")
    def settle_unknown(self, request, queryset):
        ids = [
            str(pk)
            for pk in queryset.filter(status="unknown", sid__isnull=True).values_list(
                "pk", flat=True
            )
        ]
        for message_id in ids:
            settle_unknown_message_task.delay(message_id)
        self.message_user(request, f"Checking {len(ids)} message(s) at Twilio.", messages.INFO)

    @admin.action(description="Enqueue the send task again (stuck in queued)")
    def resend_stuck(self, request, queryset):
        ids = [
            str(pk)
            for pk in queryset.filter(status="queued", sid__isnull=True).values_list(
                "pk", flat=True
            )
        ]
        for message_id in ids:
            send_message_task.delay(message_id)
        self.message_user(
            request, f"Enqueued {len(ids)} message(s); each is sent at most once.", messages.INFO
        )


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["contact_number", "channel", "our_number", "tenant", "unread_count",
                    "last_message_at"]  # fmt: skip
    list_filter = ["channel"]
    search_fields = ["contact_number", "contact_name", "our_number"]
    list_select_related = ["tenant"]


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyAdmin):
    list_display = ["number", "channel", "tenant", "source", "keyword", "created_at"]
    list_filter = ["channel", "source"]
    search_fields = ["number"]
    list_select_related = ["tenant"]
    actions = ["remove_optouts"]

    @admin.action(description="Remove (the contact consented again)")
    def remove_optouts(self, request, queryset):
        actor = Actor.from_request(request)
        count = 0
        for optout in queryset.select_related("tenant"):
            optout_remove(
                tenant=optout.tenant,
                number=optout.number,
                channel=optout.channel,
                source=OptOut.Source.MANUAL,
                reason="Removed by staff in the admin.",
                actor=actor,
            )
            count += 1
        self.message_user(request, f"Removed {count} opt-out(s).", messages.SUCCESS)


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "number", "channel", "action", "source", "keyword", "tenant"]
    list_filter = ["action", "source", "channel"]
    search_fields = ["number"]
    list_select_related = ["tenant"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "kind", "message_sid", "status", "account_sid"]
    list_filter = ["kind", "status"]
    search_fields = ["message_sid", "account_sid"]
    show_full_result_count = False


@admin.register(MessagingSettings)
class MessagingSettingsAdmin(admin.ModelAdmin):
    list_display = ["tenant", "updated_at"]
    fields = ["tenant", "opt_out_reply", "opt_in_reply", "help_reply"]
    readonly_fields = ["tenant"]

    def has_add_permission(self, request) -> bool:
        return False
