"""Staff alerts in the admin: the list (read-only, the platform writes them) with an
"acknowledge" action, the dashboard of open alerts (`ops.admin_dashboard`), and each
condition's threshold and on/off switch, editable by staff."""

from django.contrib import admin, messages

from ops import thresholds
from ops.models import Alert, AlertThreshold
from ops.services import alert_acknowledge


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["kind_label", "severity", "state", "summary", "first_seen", "last_seen",
                    "resolved_at", "count", "acknowledged_by"]  # fmt: skip
    list_filter = ["state", "severity", "kind"]
    search_fields = ["summary"]
    date_hierarchy = "first_seen"
    readonly_fields = ["kind", "severity", "state", "summary", "details", "count", "first_seen",
                       "last_seen", "resolved_at", "acknowledged_at", "acknowledged_by",
                       "opened_email_at", "resolved_email_at"]  # fmt: skip
    actions = ["acknowledge"]

    @admin.display(description="Alert", ordering="kind")
    def kind_label(self, alert: Alert) -> str:
        return alert.get_kind_display()

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Acknowledge the selected alerts", permissions=["view"])
    def acknowledge(self, request, queryset) -> None:
        done = sum(alert_acknowledge(alert=alert, user=request.user) for alert in queryset)
        self.message_user(request, f"{done} alert(s) acknowledged.", messages.INFO)


@admin.register(AlertThreshold)
class AlertThresholdAdmin(admin.ModelAdmin):
    list_display = ["kind_label", "threshold", "default", "unit", "enabled", "updated_at"]
    list_editable = ["threshold", "enabled"]
    list_display_links = ["kind_label"]
    fields = ["kind", "threshold", "default", "unit", "enabled"]
    readonly_fields = ["kind", "default", "unit", "updated_at"]

    @admin.display(description="Alert", ordering="kind")
    def kind_label(self, row: AlertThreshold) -> str:
        return row.get_kind_display()

    @admin.display(description="Default (settings)")
    def default(self, row: AlertThreshold) -> str:
        return f"{thresholds.default(row.kind):g}"

    @admin.display(description="Threshold is")
    def unit(self, row: AlertThreshold) -> str:
        return thresholds.UNITS[row.kind]

    def changelist_view(self, request, extra_context=None):
        thresholds.ensure_rows()
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
