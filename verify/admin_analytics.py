"""Staff admin of verify's analytics: the daily rollups (read-only, recountable) and an
overview of every tenant's verification totals over a period."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path

from verify.analytics import staff_tenant_overview
from verify.analytics_forms import StatsFilterForm
from verify.models import VerificationDailyRollup
from verify.rollups import mark_dirty


@admin.register(VerificationDailyRollup)
class VerificationDailyRollupAdmin(admin.ModelAdmin):
    list_display = ["day", "tenant", "channel", "country", "attempts", "approved", "cost",
                    "computed_at"]  # fmt: skip
    list_filter = ["channel", "day"]
    search_fields = ["tenant__name", "tenant__slug", "country"]
    list_select_related = ["tenant"]
    date_hierarchy = "day"
    show_full_result_count = False
    change_list_template = "admin/verify/rollup_change_list.html"
    actions = ["recount"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Recount these tenants' days from their attempts")
    def recount(self, request, queryset) -> None:
        pairs = set(queryset.values_list("tenant_id", "day"))
        for tenant_id, day in sorted(pairs):
            mark_dirty(tenant_id, day)
        self.message_user(request, f"{len(pairs)} tenant-days queued for a recount.", messages.INFO)

    def get_urls(self):
        overview = self.admin_site.admin_view(self.overview_view)
        return [
            path("overview/", overview, name="verify_verificationdailyrollup_overview"),
            *super().get_urls(),
        ]

    def overview_view(self, request):
        """Totals per tenant over a period (the last 30 days by default)."""
        form = StatsFilterForm(request.GET or {})
        rows = staff_tenant_overview(**_period(form)) if form.is_valid() else []
        totals = {
            "attempts": sum(row["attempts"] for row in rows),
            "approved": sum(row["approved"] for row in rows),
            "cost": sum((row["cost"] for row in rows), 0),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Verification overview across tenants",
            "form": form,
            "rows": rows,
            "totals": totals,
            "period": _period(form) if form.is_valid() else None,
        }
        return TemplateResponse(request, "admin/verify/rollup_overview.html", context)


def _period(form: StatsFilterForm) -> dict:
    filters = form.filters()
    return {"start": filters.start, "end": filters.end}
