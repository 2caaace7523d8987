"""The portal's usage pages: this period against the plan with charts, statements (with a
printable view and a CSV), and the tenant's spending limits and sending quotas.

Thin: reads through `billing.selectors`, `billing.portal_data` and the overview; writes
through `billing.services.limits`. Nothing here ever shows Twilio's cost or the margin.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from billing import portal_data
from billing.forms import LimitForm, UsageRangeForm, attach_errors
from billing.models import Statement, StatementLine, UsageLimit
from billing.services.limits import limit_delete, limit_save
from billing.services.overview import period_overview
from billing.services.statements import statement_csv_rows
from isvplatform.csv_export import stream_csv
from tenants.views import TenantRequiredMixin

PAGE_SIZE = 24
DEFAULT_CURRENCY = "USD"


def _currency(overview) -> str:
    return getattr(overview, "currency", "") or DEFAULT_CURRENCY


class UsageView(TenantRequiredMixin, TemplateView):
    """This period against the plan, a forecast, charts of a chosen range, limits, quotas."""

    template_name = "billing/usage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = period_overview(self.tenant)
        currency = _currency(overview)
        limits = portal_data.limit_rows(self.tenant)
        context.update(
            overview=overview,
            currency=currency,
            limits=limits,
            quotas=portal_data.quota_rows(self.tenant),
            banners=portal_data.banners(self.tenant, limits),
        )
        form = UsageRangeForm(self.request.GET or {})
        if not form.is_valid():
            context.update(form=form, charts=None)
            return context
        start, end = form.range()
        charts = portal_data.usage_charts(self.tenant, start, end)
        data = charts.as_json()
        context.update(
            form=form,
            start=start,
            end=end,
            charts=charts,
            chart_json=data if charts.categories else None,
            breakdown=[
                {"label": row["label"], "charge": sum(row["charge"]), "count": sum(row["volume"])}
                for row in data["series"]
            ],
            range_total=charts.total_charge(),
        )
        return context

    def render_to_response(self, context, **kwargs):
        status = 400 if context["form"].errors else 200
        return super().render_to_response(context, status=status, **kwargs)


# --- statements -------------------------------------------------------------------------


def _statement(tenant, pk) -> Statement:
    return get_object_or_404(Statement.objects.for_tenant(tenant), pk=pk)


def _lines(tenant, statement: Statement):
    return StatementLine.objects.for_tenant(tenant).filter(statement=statement).order_by("position")


class StatementListView(TenantRequiredMixin, TemplateView):
    template_name = "billing/statements.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = Statement.objects.for_tenant(self.tenant).order_by("-period_start")
        context["page"] = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return context


class StatementDetailView(TenantRequiredMixin, TemplateView):
    """A statement's lines and totals (the printable view is the same without the portal)."""

    template_name = "billing/statement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statement = _statement(self.tenant, self.kwargs["pk"])
        context.update(statement=statement, lines=_lines(self.tenant, statement))
        return context


class StatementPrintView(StatementDetailView):
    template_name = "billing/statement_print.html"


class StatementCsvView(TenantRequiredMixin, View):
    def get(self, request, pk) -> StreamingHttpResponse:
        statement = _statement(self.tenant, pk)
        header, *rows = statement_csv_rows(statement, with_margin=False)
        return stream_csv(f"statement-{statement.number}.csv", header, rows)


# --- spending limits and sending quotas ---------------------------------------------------


class LimitListView(TenantRequiredMixin, TemplateView):
    """Limits and quotas; owners and admins add their own limits here."""

    template_name = "billing/limits.html"
    write_permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            limits=portal_data.limit_rows(self.tenant),
            quotas=portal_data.quota_rows(self.tenant),
        )
        context.setdefault("form", LimitForm(tenant=self.tenant))
        return context

    def post(self, request):
        return _save(self, request, LimitForm(request.POST, tenant=self.tenant), None)


def _save(view, request, form: LimitForm, limit: UsageLimit | None):
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = limit_save(
                tenant=view.tenant,
                actor=view.actor,
                level=data["level"],
                measure=data["measure"],
                period=data["period"],
                value=data["value"],
                category=data["category"],
                limit=limit,
            )
        except ValidationError as err:
            attach_errors(form, err)
        else:
            verb = "saved" if limit else "added"
            messages.success(request, f"{saved.get_level_display()} {verb}; it is set at Twilio.")
            return redirect("billing:limits")
    context = view.get_context_data(form=form)
    return TemplateResponse(request, view.template_name, context, status=400)


def _own_limit(tenant, pk) -> UsageLimit:
    """A limit the tenant set (staff-set ones are read-only to the tenant)."""
    limit = get_object_or_404(UsageLimit.objects.for_tenant(tenant), pk=pk)
    if limit.set_by_staff:
        raise PermissionDenied("This limit was set by staff; only they can change it.")
    return limit


class LimitEditView(TenantRequiredMixin, TemplateView):
    template_name = "billing/limit_edit.html"
    write_permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        limit = get_object_or_404(UsageLimit.objects.for_tenant(self.tenant), pk=self.kwargs["pk"])
        context["limit"] = limit
        if not limit.set_by_staff:
            context.setdefault("form", LimitForm(tenant=self.tenant, instance=limit))
        return context

    def post(self, request, pk):
        limit = _own_limit(self.tenant, pk)
        return _save(
            self, request, LimitForm(request.POST, tenant=self.tenant, instance=limit), limit
        )


class LimitDeleteView(TenantRequiredMixin, View):
    write_permission = "manage"

    def post(self, request, pk):
        limit = _own_limit(self.tenant, pk)
        label = limit.get_level_display()
        limit_delete(limit=limit, actor=self.actor)
        messages.success(request, f"{label} removed.")
        return redirect("billing:limits")
