"""Staff's view of every tenant's contact book. Contacts and audiences are the tenants'
data: staff read them (and may delete a contact on a data-removal request); imports are
read-only progress with their row errors, plus a re-queue action for a stuck one."""

from django.contrib import admin, messages
from django.utils.html import format_html

from contacts import enqueue
from contacts.models import (
    Audience,
    AudienceMember,
    Contact,
    ContactField,
    ContactImport,
    ContactImportError,
)
from contacts.selectors import audience_count


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request)


@admin.register(Contact)
class ContactAdmin(_ReadOnly):
    list_display = ["__str__", "phone", "email", "tenant", "region", "time_zone",
                    "sms_consent_source", "created_at"]  # fmt: skip
    list_filter = ["time_zone_source", "sms_consent_source", "country"]
    search_fields = ["phone", "email", "first_name", "last_name", "tenant__name"]
    list_select_related = ["tenant"]
    readonly_fields = [
        "tenant", "first_name", "last_name", "phone", "email", "whatsapp", "tags", "fields",
        "time_zone", "time_zone_source", "region", "country", "sms_consent_at",
        "sms_consent_source", "whatsapp_consent_at", "whatsapp_consent_source",
        "email_consent_at", "email_consent_source", "last_activity_at", "created_at",
        "updated_at",
    ]  # fmt: skip
    fields = readonly_fields


@admin.register(ContactField)
class ContactFieldAdmin(_ReadOnly):
    list_display = ["label", "key", "type", "tenant", "created_at"]
    list_filter = ["type"]
    search_fields = ["key", "label", "tenant__name"]
    list_select_related = ["tenant"]
    readonly_fields = ["tenant", "key", "label", "type", "created_at"]
    fields = readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ImportErrorInline(admin.TabularInline):
    model = ContactImportError
    extra = 0
    max_num = 0
    fields = ["row", "column", "value", "message"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("row", "id")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContactImport)
class ContactImportAdmin(_ReadOnly):
    list_display = ["original_name", "tenant", "status", "progress", "created_count",
                    "updated_count", "error_count", "created_at", "finished_at"]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["original_name", "tenant__name"]
    list_select_related = ["tenant"]
    actions = ["requeue"]
    inlines = [ImportErrorInline]
    readonly_fields = [
        "tenant", "original_name", "file", "size", "delimiter", "columns", "mapping",
        "consent_channels", "consent_source", "add_tags", "status", "progress", "total_rows",
        "processed_rows", "created_count", "updated_count", "error_count", "resume_offset",
        "claimed_until", "failure", "actor_label", "created_at", "started_at", "finished_at",
    ]  # fmt: skip
    fields = readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Progress")
    def progress(self, job: ContactImport) -> str:
        total = job.total_rows or 0
        share = 100 if job.status == ContactImport.Status.COMPLETED else (
            min(100, round(100 * job.processed_rows / total)) if total else 0
        )  # fmt: skip
        return format_html(
            '<progress max="100" value="{}"></progress> {} of {} rows',
            share,
            job.processed_rows,
            total or "?",
        )

    @admin.action(description="Queue the import again (it resumes from its checkpoint)")
    def requeue(self, request, queryset) -> None:
        runnable = queryset.filter(status__in=[ContactImport.Status.QUEUED,
                                               ContactImport.Status.RUNNING])  # fmt: skip
        for job in runnable:
            enqueue.run_import(str(job.pk))
        self.message_user(request, f"{runnable.count()} import(s) queued.", messages.SUCCESS)


class MemberInline(admin.TabularInline):
    model = AudienceMember
    extra = 0
    fields = ["contact", "added_at"]
    readonly_fields = fields
    raw_id_fields = ["contact"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Audience)
class AudienceAdmin(_ReadOnly):
    list_display = ["name", "tenant", "kind", "created_at", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "tenant__name"]
    list_select_related = ["tenant"]
    inlines = [MemberInline]
    readonly_fields = ["tenant", "name", "description", "kind", "filter", "live_count",
                       "created_by", "created_at", "updated_at"]  # fmt: skip
    fields = readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Contacts now")
    def live_count(self, audience: Audience) -> int:
        return audience_count(audience)
