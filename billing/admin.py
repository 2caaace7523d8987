"""Staff's admin of usage and billing: usage records, price plans and their rates and tiers,
plan assignments (changed through `plan_change`), statements with their margin and a CSV
with it, Stripe meter reports, spending limits (set and lifted through the limits
services), their events, spend anomalies, sending quotas and ramp-up steps.

Every change goes through a service, which audits it; the platform's own records are
read-only. The overview across tenants is `billing.admin_overview`."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from billing.admin_common import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceErrorsOnFormMixin,
    margin_percent,
    money,
)
from billing.models import (
    PlanRate,
    PricePlan,
    PriceTier,
    RampStep,
    SendingQuota,
    SpendAnomaly,
    Statement,
    StatementLine,
    StripeMeterReport,
    TenantPlan,
    UsageLimit,
    UsageLimitEvent,
    UsageRecord,
)
from billing.services.anomalies import anomaly_acknowledge
from billing.services.limits import limit_delete, limit_lift, limit_save
from billing.services.plans import plan_change, plan_validate
from billing.services.quotas import quota_set
from billing.services.statements import statement_csv_rows
from isvplatform.admin_confirm import confirm_with_reason
from isvplatform.csv_export import stream_csv
from messaging.models import Channel
from tenants.services import Actor

LIFT_REASON_MAX_LENGTH = UsageLimit._meta.get_field("lift_reason").max_length


@admin.register(UsageRecord)
class UsageRecordAdmin(ReadOnlyAdmin):
    list_display = ["day", "tenant", "category", "count", "usage", "twilio_price",
                    "platform_price_shown", "drift_shown", "drift_flagged", "closed",
                    "fetched_at"]  # fmt: skip
    list_filter = ["category", "day", "drift_flagged", "closed"]
    search_fields = ["tenant__name", "tenant__slug", "account_sid"]
    list_select_related = ["tenant"]
    date_hierarchy = "day"
    show_full_result_count = False

    @admin.display(description="Twilio's price", ordering="price")
    def twilio_price(self, record: UsageRecord) -> str:
        return money(record.price, record.currency)

    @admin.display(description="Platform's prices")
    def platform_price_shown(self, record: UsageRecord) -> str:
        return money(record.platform_price, record.currency)

    @admin.display(description="Drift", ordering="drift")
    def drift_shown(self, record: UsageRecord) -> str:
        return money(record.drift, record.currency)


# --- price plans ------------------------------------------------------------------------


class PlanRateInline(admin.TabularInline):
    model = PlanRate
    extra = 0
    fields = ["category", "included_units", "markup_percent", "tiers_shown"]
    readonly_fields = ["tiers_shown"]
    show_change_link = True

    @admin.display(description="Tiers (edit on the rate's page)")
    def tiers_shown(self, rate: PlanRate) -> str:
        return _tiers(rate) if rate.pk else "—"


def _tiers(rate: PlanRate) -> str:
    tiers = list(rate.tiers.all())
    if not tiers:
        return "cost plus markup"
    return ", ".join(f"up to {t.up_to or '∞'} at {t.unit_price}" for t in tiers)


@admin.register(PricePlan)
class PricePlanAdmin(ServiceErrorsOnFormMixin, admin.ModelAdmin):
    list_display = ["name", "currency", "monthly_fee", "markup_percent", "is_default", "active",
                    "updated_at"]  # fmt: skip
    list_filter = ["active", "is_default", "currency"]
    search_fields = ["name"]
    inlines = [PlanRateInline]
    fields = ["name", "description", "currency", "monthly_fee", "markup_percent", "is_default",
              "active"]  # fmt: skip

    def has_delete_permission(self, request, obj=None) -> bool:
        # Statements and assignments keep pointing at a plan; retire it with `active`.
        return False

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        plan_validate(form.instance)


class PriceTierInline(admin.TabularInline):
    model = PriceTier
    extra = 1
    fields = ["up_to", "unit_price"]


@admin.register(PlanRate)
class PlanRateAdmin(ServiceErrorsOnFormMixin, admin.ModelAdmin):
    list_display = ["plan", "category", "included_units", "markup_percent", "tiers_shown"]
    list_filter = ["plan", "category"]
    list_select_related = ["plan"]
    inlines = [PriceTierInline]
    fields = ["plan", "category", "included_units", "markup_percent"]

    @admin.display(description="Tiers")
    def tiers_shown(self, rate: PlanRate) -> str:
        return _tiers(rate)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        plan_validate(form.instance.plan)


class PlanChangeForm(forms.ModelForm):
    plan = forms.ModelChoiceField(
        queryset=PricePlan.objects.filter(active=True),
        help_text="Takes effect at the start of the next period (a first plan: this period).",
    )

    class Meta:
        model = TenantPlan
        fields = ["tenant", "plan"]


@admin.register(TenantPlan)
class TenantPlanAdmin(ServiceErrorsOnFormMixin, admin.ModelAdmin):
    """The history of tenants' plans; "add" changes a tenant's plan (`plan_change`)."""

    list_display = ["tenant", "plan", "starts_on", "assigned_by", "created_at"]
    list_filter = ["plan"]
    search_fields = ["tenant__name", "tenant__slug", "plan__name"]
    list_select_related = ["tenant", "plan", "assigned_by"]
    readonly_fields = ["tenant", "plan", "starts_on", "assigned_by", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PlanChangeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["tenant", "plan"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: TenantPlan, form, change: bool) -> None:
        assigned = plan_change(
            tenant=form.cleaned_data["tenant"],
            plan=form.cleaned_data["plan"],
            actor=Actor.from_request(request),
        )
        obj.pk, obj.starts_on = assigned.pk, assigned.starts_on


# --- statements -------------------------------------------------------------------------


class StatementLineInline(ReadOnlyInline):
    model = StatementLine
    fields = ["position", "kind", "description", "units", "included_units", "billable_units",
              "twilio_cost", "amount", "margin"]  # fmt: skip
    readonly_fields = fields


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["number", "tenant", "period_start", "status", "plan_name", "cost_shown",
                    "total_shown", "margin_shown", "margin_percent_shown"]  # fmt: skip
    list_filter = ["status", "period_start"]
    search_fields = ["number", "tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    inlines = [StatementLineInline]
    readonly_fields = [
        "number", "tenant", "period_start", "period_end", "status", "plan_name", "currency",
        "billing_mode", "twilio_cost", "usage_charge", "monthly_fee", "total", "margin",
        "margin_percent_shown", "generated_at", "finalized_at", "csv_link",
    ]  # fmt: skip
    fields = readonly_fields

    @admin.display(description="Twilio's cost", ordering="twilio_cost")
    def cost_shown(self, statement: Statement) -> str:
        return money(statement.twilio_cost, statement.currency)

    @admin.display(description="Charged", ordering="total")
    def total_shown(self, statement: Statement) -> str:
        return money(statement.total, statement.currency)

    @admin.display(description="Margin", ordering="margin")
    def margin_shown(self, statement: Statement) -> str:
        return money(statement.margin, statement.currency)

    @admin.display(description="Margin %")
    def margin_percent_shown(self, statement: Statement) -> str:
        return margin_percent(statement.margin, statement.total)

    @admin.display(description="CSV (with margin)")
    def csv_link(self, statement: Statement) -> str:
        url = reverse("admin:billing_statement_csv", args=[statement.pk])
        return format_html('<a href="{}">Download {}.csv</a>', url, statement.number)

    def get_urls(self):
        csv_view = self.admin_site.admin_view(self.csv_view)
        return [path("<uuid:pk>/csv/", csv_view, name="billing_statement_csv"), *super().get_urls()]

    def csv_view(self, request, pk):
        """The statement as CSV, margin columns included (staff only)."""
        statement = get_object_or_404(Statement, pk=pk)
        header, *rows = statement_csv_rows(statement, with_margin=True)
        return stream_csv(f"statement-{statement.number}-staff.csv", header, rows)


@admin.register(StripeMeterReport)
class StripeMeterReportAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "tenant", "statement", "category", "value", "status",
                    "attempts", "sent_at"]  # fmt: skip
    list_filter = ["status", "category"]
    search_fields = ["identifier", "tenant__name", "customer_id", "statement__number"]
    list_select_related = ["tenant", "statement"]
    readonly_fields = [
        "identifier", "tenant", "statement", "category", "event_name", "customer_id", "value",
        "status", "attempts", "last_error", "sent_at", "created_at",
    ]  # fmt: skip
    fields = readonly_fields


# --- spending limits --------------------------------------------------------------------


class UsageLimitEventInline(ReadOnlyInline):
    model = UsageLimitEvent
    fields = ["period_key", "percent", "source", "current_value", "emailed_at", "created_at"]
    readonly_fields = fields


@admin.register(UsageLimit)
class UsageLimitAdmin(ServiceErrorsOnFormMixin, admin.ModelAdmin):
    """Staff set limits a tenant can't change (`limit_save(by_staff=True)`) and lift a
    reached one for the running period, with a reason (`limit_lift`)."""

    list_display = ["tenant", "level", "measure", "category", "period", "value", "set_by_staff",
                    "sync_status", "state_period", "reached_at", "lifted_period"]  # fmt: skip
    list_filter = ["level", "measure", "period", "sync_status", "set_by_staff"]
    search_fields = ["tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    inlines = [UsageLimitEventInline]
    actions = ["lift"]
    editable = ["level", "measure", "category", "period", "value"]
    shown = [
        "set_by_staff", "sync_status", "last_error", "state_period", "warned_at", "reached_at",
        "lifted_period", "lifted_by", "lifted_at", "lift_reason", "created_by", "created_at",
    ]  # fmt: skip

    def get_fields(self, request, obj=None):
        return ["tenant", *self.editable, *([] if obj is None else self.shown)]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["tenant", *self.shown]

    def save_model(self, request, obj: UsageLimit, form, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in self.editable}
        saved = limit_save(
            tenant=obj.tenant,
            actor=Actor.from_request(request),
            limit=UsageLimit.objects.get(pk=obj.pk) if change else None,
            by_staff=True,
            **values,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj: UsageLimit) -> None:
        limit_delete(limit=obj, actor=Actor.from_request(request))

    def delete_queryset(self, request, queryset) -> None:
        actor = Actor.from_request(request)
        for limit in queryset:
            limit_delete(limit=limit, actor=actor)

    def _lift(self, request, queryset, reason: str) -> None:
        actor = Actor.from_request(request)
        done, refused = 0, []
        for limit in queryset:
            try:
                limit_lift(limit=limit, actor=actor, reason=reason)
                done += 1
            except ValidationError as err:
                refused.append(f"{limit.tenant}: {' '.join(err.messages)}")
        if done:
            self.message_user(request, f"{done} limit(s) lifted for this period.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Lift for this period (asks for a reason)", permissions=["change"])
    def lift(self, request, queryset):
        return confirm_with_reason(
            self,
            request,
            queryset,
            title="Lift spending limits for this period",
            intro="Sending resumes for these tenants until the period ends; the limit applies "
            "again from the next period. The lift is audited with your reason.",
            submit="Yes, lift them",
            help_text="Why the limit is lifted (kept in the audit log).",
            max_length=LIFT_REASON_MAX_LENGTH,
            describe=lambda limit: f"{limit.tenant}: {limit}",
            apply=lambda reason: self._lift(request, queryset, reason),
        )


@admin.register(UsageLimitEvent)
class UsageLimitEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "limit", "percent", "period_key", "source",
                    "current_value", "emailed_at"]  # fmt: skip
    list_filter = ["percent", "source"]
    search_fields = ["tenant__name", "tenant__slug", "period_key"]
    list_select_related = ["tenant", "limit"]


@admin.register(SpendAnomaly)
class SpendAnomalyAdmin(ReadOnlyAdmin):
    list_display = ["day", "tenant", "spend", "trailing_average", "multiple", "alerted_at",
                    "acknowledged_by", "acknowledged_at"]  # fmt: skip
    list_filter = [("acknowledged_at", admin.EmptyFieldListFilter), "day"]
    search_fields = ["tenant__name", "tenant__slug"]
    list_select_related = ["tenant", "acknowledged_by"]
    actions = ["acknowledge"]

    @admin.action(description="Acknowledge the selected anomalies", permissions=["view"])
    def acknowledge(self, request, queryset) -> None:
        actor = Actor.from_request(request)
        open_ones = list(queryset.filter(acknowledged_at__isnull=True))
        for anomaly in open_ones:
            anomaly_acknowledge(anomaly, actor=actor)
        self.message_user(request, f"{len(open_ones)} anomaly(ies) acknowledged.", messages.INFO)


# --- sending quotas ---------------------------------------------------------------------


class QuotaForm(forms.ModelForm):
    channel = forms.ChoiceField(choices=Channel.choices)

    class Meta:
        model = SendingQuota
        fields = ["tenant", "channel", "daily_limit", "monthly_limit"]


class RampStepInline(ReadOnlyInline):
    model = RampStep
    fields = ["reviewed_on", "from_level", "to_level", "daily_limit", "sent", "opt_out_rate",
              "error_rate", "reason"]  # fmt: skip
    readonly_fields = fields


class ChannelFilter(admin.SimpleListFilter):
    title = "channel"
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return Channel.choices

    def queryset(self, request, queryset):
        return queryset.filter(channel=self.value()) if self.value() else queryset


@admin.register(SendingQuota)
class SendingQuotaAdmin(ServiceErrorsOnFormMixin, admin.ModelAdmin):
    """Quotas are set through `quota_set` (audited); the ramp moves them on its own."""

    form = QuotaForm
    list_display = ["tenant", "channel_label", "daily_limit", "monthly_limit", "ramp_level",
                    "ramp_reviewed_on", "ramp_held_reason"]  # fmt: skip
    list_filter = [ChannelFilter, "ramp_level"]
    search_fields = ["tenant__name", "tenant__slug"]
    list_select_related = ["tenant"]
    inlines = [RampStepInline]
    shown = ["ramp_level", "ramp_reviewed_on", "ramp_held_reason", "updated_at"]

    @admin.display(description="Channel", ordering="channel")
    def channel_label(self, quota: SendingQuota) -> str:
        return Channel(quota.channel).label if quota.channel in Channel.values else quota.channel

    def get_fields(self, request, obj=None):
        base = ["tenant", "channel", "daily_limit", "monthly_limit"]
        return base if obj is None else [*base, *self.shown]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["tenant", "channel", *self.shown]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: SendingQuota, form, change: bool) -> None:
        saved = quota_set(
            tenant=obj.tenant,
            channel=obj.channel,
            daily_limit=form.cleaned_data["daily_limit"],
            monthly_limit=form.cleaned_data["monthly_limit"],
            actor=Actor.from_request(request),
        )
        obj.pk = saved.pk


@admin.register(RampStep)
class RampStepAdmin(ReadOnlyAdmin):
    list_display = ["reviewed_on", "tenant", "quota", "from_level", "to_level", "daily_limit",
                    "sent", "opt_out_rate", "error_rate", "reason"]  # fmt: skip
    list_filter = ["reviewed_on", "to_level"]
    search_fields = ["tenant__name", "tenant__slug"]
    list_select_related = ["tenant", "quota"]
