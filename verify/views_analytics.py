"""The portal's verification analytics page: figures and charts of a chosen period."""

from django.views.generic import TemplateView

from tenants.views import TenantRequiredMixin
from verify.analytics import verification_stats
from verify.analytics_forms import StatsFilterForm


def chart_data(stats: dict) -> dict:
    """What the page's four charts draw, in the shape `static/js/verify_analytics.js` reads."""
    totals = stats["totals"]
    return {
        "daily": {
            "labels": [row["day"].isoformat() for row in stats["daily"]],
            "attempts": [row["attempts"] for row in stats["daily"]],
            "approved": [row["approved"] for row in stats["daily"]],
        },
        "conversion": {
            "labels": [row["label"] for row in stats["by_channel"]],
            "rates": [round((row["conversion_rate"] or 0) * 100, 1) for row in stats["by_channel"]],
        },
        "ttv": {
            "labels": [row["label"] for row in totals["ttv_distribution"]],
            "counts": [row["count"] for row in totals["ttv_distribution"]],
        },
        "failures": {
            "labels": [row["label"] for row in totals["failures"]],
            "counts": [row["count"] for row in totals["failures"]],
        },
    }


class AnalyticsView(TenantRequiredMixin, TemplateView):
    template_name = "verify/analytics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = StatsFilterForm(self.request.GET or None)
        if self.request.GET and not form.is_valid():
            context.update(form=form, stats=None)
            return context
        if not self.request.GET:
            form = StatsFilterForm({})
            form.is_valid()
        stats = verification_stats(self.tenant, form.filters())
        context.update(form=form, stats=stats, charts=chart_data(stats), tenant=self.tenant)
        return context
