"""Staff admin of the privacy jobs: read-only lists. Erasures show only the masked hint and
the counts (never the address); exports show status and size, not the file."""

from django.contrib import admin

from privacy.models import DataExport, ErasureRequest, SuppressionHash


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "subject_kind", "subject_hint", "status", "step"]
    list_filter = ["status", "subject_kind"]
    list_select_related = ["tenant"]
    search_fields = ["tenant__name", "tenant__slug"]
    fields = [
        "tenant",
        "subject_kind",
        "subject_hint",
        "status",
        "step",
        "counts",
        "timeline",
        "attempts",
        "error",
        "actor_label",
        "created_at",
        "started_at",
        "finished_at",
    ]


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "status", "progress", "size", "expires_at"]
    list_filter = ["status"]
    list_select_related = ["tenant"]
    search_fields = ["tenant__name", "tenant__slug"]
    fields = [
        "tenant",
        "status",
        "progress",
        "tables_done",
        "tables_total",
        "counts",
        "size",
        "attempts",
        "error",
        "actor_label",
        "created_at",
        "finished_at",
        "expires_at",
    ]


@admin.register(SuppressionHash)
class SuppressionHashAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "channel", "source", "key_id"]
    list_filter = ["channel", "key_id"]
    list_select_related = ["tenant"]
    fields = ["tenant", "channel", "source", "key_id", "opted_out_at", "created_at"]
