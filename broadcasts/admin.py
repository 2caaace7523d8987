"""Staff's view of every tenant's broadcasts: counters, failure reasons, the timeline, and
pause/resume/cancel through the lifecycle services (the same checks as the portal). Drafts
are the tenants' to write; here they are read-only."""

from django.contrib import admin, messages

from broadcasts.models import Broadcast, BroadcastFailure, BroadcastSettings, BroadcastTransition
from broadcasts.services import lifecycle
from broadcasts.services.common import BroadcastConflict
from tenants.services import Actor


class _ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TransitionInline(_ReadOnlyInline):
    model = BroadcastTransition
    fields = ["created_at", "from_status", "to_status", "reason", "detail", "actor_label"]
    readonly_fields = fields
    ordering = ["created_at", "id"]


class FailureInline(_ReadOnlyInline):
    model = BroadcastFailure
    fields = ["error_code", "count"]
    readonly_fields = fields


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    list_display = ["name", "tenant", "channel", "purpose", "status", "pause_reason", "total",
                    "pending", "sent", "delivered", "failed", "replies_opted_out",
                    "created_at"]  # fmt: skip
    list_filter = ["status", "channel", "purpose", "pause_reason"]
    search_fields = ["name", "tenant__name", "tenant__slug", "from_number"]
    list_select_related = ["tenant"]
    actions = ["pause", "resume", "cancel"]
    inlines = [FailureInline, TransitionInline]
    readonly_fields = [
        "tenant", "name", "channel", "purpose", "body", "template", "template_variables",
        "subject", "html", "email_template", "audience", "from_number", "messaging_service_sid",
        "scheduled_at", "status",
        "pause_reason", "pause_detail", "total", "pending", "deferred", "sent", "delivered",
        "failed", "filtered", "opted_out", "replies_opted_out", "skipped", "materialised_at",
        "launched_at", "completed_at", "cancelled_at", "created_by", "actor_label",
        "created_at", "updated_at",
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The list and its actions yes; a broadcast's page is read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _each(self, request, queryset, act, verb: str) -> None:
        done, refused = 0, []
        for broadcast in queryset:
            try:
                act(broadcast, Actor.from_request(request))
                done += 1
            except BroadcastConflict as err:
                refused.append(f"{broadcast.name}: {err}")
        if done:
            self.message_user(request, f"{done} broadcast(s) {verb}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Pause the selected broadcasts")
    def pause(self, request, queryset) -> None:
        self._each(request, queryset, lifecycle.broadcast_pause, "paused")

    @admin.action(description="Resume the selected broadcasts")
    def resume(self, request, queryset) -> None:
        self._each(request, queryset, lifecycle.broadcast_resume, "resumed")

    @admin.action(description="Cancel the selected broadcasts")
    def cancel(self, request, queryset) -> None:
        self._each(request, queryset, lifecycle.broadcast_cancel, "cancelled")


@admin.register(BroadcastSettings)
class BroadcastSettingsAdmin(admin.ModelAdmin):
    list_display = ["tenant", "opt_out_pause_rate", "filtering_pause_rate", "min_sample",
                    "updated_at"]  # fmt: skip
    search_fields = ["tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    fields = ["tenant", "opt_out_pause_rate", "filtering_pause_rate", "min_sample"]

    def get_readonly_fields(self, request, obj=None):
        return ["tenant"] if obj is not None else []
