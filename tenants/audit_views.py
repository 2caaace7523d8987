"""The portal's audit log: filtered, searchable, paginated, and exported as CSV."""

from typing import Any

from django.views import View
from django.views.generic import ListView

from isvplatform.csv_export import stream_csv
from isvplatform.labels import humanize_code
from tenants.models import AuditEvent
from tenants.selectors import AuditFilters, audit_filter_choices, tenant_audit_events
from tenants.views import TenantRequiredMixin

CSV_HEADER = [
    "when",
    "who",
    "actor_type",
    "event",
    "event_code",
    "target",
    "target_id",
    "changes",
    "ip_address",
]


def _format_change(value: Any, is_creation: bool) -> str:
    """Services record an update as [before, after]; a creation records plain values."""
    if isinstance(value, list) and len(value) == 2 and not is_creation:
        before, after = (str(v) if v not in ("", None) else "—" for v in value)
        return f"{before} → {after}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def change_items(event: AuditEvent) -> list[tuple[str, str]]:
    is_creation = event.action.endswith(".created")
    return [(humanize_code(k), _format_change(v, is_creation)) for k, v in event.changes.items()]


class AuditLogView(TenantRequiredMixin, ListView):
    """The tenant's own audit events, newest first, narrowed by the filter form."""

    template_name = "portal/audit.html"
    context_object_name = "events"
    paginate_by = 25

    def get_queryset(self):
        self.filters = AuditFilters.from_params(self.request.GET)
        return tenant_audit_events(self.tenant, self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for event in context["events"]:
            event.change_items = change_items(event)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filters=self.filters,
            choices=audit_filter_choices(self.tenant),
            query=query.urlencode(),
        )
        return context


class AuditExportView(TenantRequiredMixin, View):
    """The filtered audit log as a CSV download, streamed however long it is."""

    def get(self, request):
        events = tenant_audit_events(self.tenant, AuditFilters.from_params(request.GET))
        rows = (
            [
                event.created_at.isoformat(),
                event.actor_label,
                event.get_actor_type_display(),
                event.action_label,
                event.action,
                event.target_label,
                event.target_id,
                "; ".join(f"{k}: {v}" for k, v in change_items(event)),
                event.ip_address or "",
            ]
            for event in events.iterator(chunk_size=2000)
        )
        return stream_csv(f"audit-log-{self.tenant.slug}.csv", CSV_HEADER, rows)
