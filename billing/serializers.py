"""The API's shapes of usage, statements, spending limits and sending quotas.

Money is answered as decimal strings, never floats. Nothing here carries a margin or
Twilio's cost (the two together give the margin away): that is staff-only (the admin shows
it). Usage is what the plan charges for it."""

import datetime as dt
from decimal import Decimal

from rest_framework import serializers

from billing import periods
from billing.categories import CATEGORY_CHOICES, TOTAL
from billing.models import Statement, StatementLine, UsageLimit
from billing.services.limit_events import current_key, resets_on

# Dates the usage endpoint reads: wide enough for any real period, narrow enough that a
# period's arithmetic never leaves the calendar.
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)
MAX_RANGE_DAYS = 400


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=5, read_only=True, **kwargs)


def units_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True, **kwargs)


# --- usage ----------------------------------------------------------------------------


class UsageRangeSerializer(serializers.Serializer):
    """The query of GET /usage: a range of days, by default this period so far."""

    start = serializers.DateField(
        required=False, help_text="First day (YYYY-MM-DD); default: this period's first day."
    )
    end = serializers.DateField(required=False, help_text="Last day (YYYY-MM-DD); default: today.")

    def validate(self, attrs: dict) -> dict:
        for name in ("start", "end"):
            day = attrs.get(name)
            if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
                raise serializers.ValidationError(
                    {name: [f"Give a day between {EARLIEST_DAY} and {LATEST_DAY}."]}
                )
        end = attrs.get("end") or periods.today()
        start = attrs.get("start") or periods.period_start(end)
        blamed = "end" if "end" in attrs else "start"
        if end < start:
            raise serializers.ValidationError({blamed: ["The end is before the start."]})
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise serializers.ValidationError(
                {blamed: [f"At most {MAX_RANGE_DAYS} days at a time."]}
            )
        return {"start": start, "end": end}


class UsageTotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField(read_only=True, help_text="Twilio's count (e.g. messages).")
    usage = units_field(help_text="Twilio's usage in the category's unit (e.g. segments).")
    charge = money_field(help_text="What your price plan charges for it.")


class DayUsageSerializer(serializers.Serializer):
    day = serializers.DateField(read_only=True)
    charge = money_field(help_text="What your price plan charges for the day's usage.")
    categories = serializers.DictField(
        child=UsageTotalsSerializer(), read_only=True, help_text="By category (only those used)."
    )


class UsagePeriodLineSerializer(serializers.Serializer):
    category = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    units = units_field()
    included_units = units_field(help_text="Included in the plan each period.")
    remaining_included = units_field(help_text="Included units still unused this period.")
    amount = money_field(help_text="The charge so far.")
    forecast_units = units_field(help_text="The units at period end if usage goes on at this pace.")
    forecast_amount = money_field(help_text="The charge for the forecast units.")


class UsagePeriodSerializer(serializers.Serializer):
    start = serializers.DateField(source="period_start", read_only=True)
    end = serializers.DateField(source="period_end", read_only=True)
    plan = serializers.CharField(
        source="plan.name", read_only=True, allow_null=True, help_text="Your price plan."
    )
    currency = serializers.CharField(read_only=True)
    lines = UsagePeriodLineSerializer(many=True, read_only=True)
    usage_charge = money_field(help_text="Usage charges so far.")
    charge_so_far = money_field(help_text="Usage charges and the monthly fee so far.")
    monthly_fee = money_field()
    forecast_total = money_field(help_text="The period's total if usage goes on at this pace.")
    days_elapsed = serializers.IntegerField(read_only=True)
    days_in_period = serializers.IntegerField(read_only=True)


class UsageSerializer(serializers.Serializer):
    period = UsagePeriodSerializer(read_only=True, help_text="The billing period of `end`.")
    days = DayUsageSerializer(many=True, read_only=True, help_text="Every day of the range.")
    totals = serializers.DictField(
        child=UsageTotalsSerializer(), read_only=True, help_text="The range's totals by category."
    )
    currency = serializers.CharField(read_only=True)


# --- statements -----------------------------------------------------------------------


class StatementLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatementLine
        fields = ["position", "kind", "category", "description", "units", "included_units",
                  "billable_units", "amount", "breakdown"]  # fmt: skip
        read_only_fields = fields


class StatementSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Statement
        fields = ["id", "number", "period_start", "period_end", "status", "status_label",
                  "plan_name", "currency", "usage_charge", "monthly_fee", "total",
                  "generated_at", "finalized_at"]  # fmt: skip
        read_only_fields = fields


class StatementDetailSerializer(StatementSerializer):
    lines = StatementLineSerializer(many=True, read_only=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines"]
        read_only_fields = fields


# --- spending limits and sending quotas -------------------------------------------------


class UsageLimitSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    measure_label = serializers.CharField(source="get_measure_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    period_label = serializers.CharField(source="get_period_display", read_only=True)
    sync_status_label = serializers.CharField(source="get_sync_status_display", read_only=True)
    current_period = serializers.SerializerMethodField(help_text='E.g. "2026-12" or "2026-12-01".')
    resets_on = serializers.SerializerMethodField(help_text="When the next period starts.")
    warned_at = serializers.SerializerMethodField(help_text="When 80% was reached this period.")
    reached_at = serializers.SerializerMethodField(help_text="When 100% was reached this period.")
    lifted = serializers.SerializerMethodField(help_text="Lifted by staff for this period.")

    class Meta:
        model = UsageLimit
        fields = ["id", "level", "level_label", "measure", "measure_label", "category",
                  "category_label", "period", "period_label", "value", "set_by_staff",
                  "sync_status", "sync_status_label", "current_period", "resets_on", "warned_at",
                  "reached_at", "lifted", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields

    def _in_period(self, limit: UsageLimit) -> bool:
        return limit.state_period == current_key(limit)

    def get_current_period(self, limit: UsageLimit) -> str:
        return current_key(limit)

    def get_resets_on(self, limit: UsageLimit) -> dt.date:
        return resets_on(limit)

    def get_warned_at(self, limit: UsageLimit) -> dt.datetime | None:
        return limit.warned_at if self._in_period(limit) else None

    def get_reached_at(self, limit: UsageLimit) -> dt.datetime | None:
        return limit.reached_at if self._in_period(limit) else None

    def get_lifted(self, limit: UsageLimit) -> bool:
        return bool(limit.lifted_period) and limit.lifted_period == current_key(limit)


class UsageLimitInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=UsageLimit.Level.choices)
    measure = serializers.ChoiceField(
        choices=UsageLimit.Measure.choices,
        default=UsageLimit.Measure.SPEND,
        help_text="`spend` (in your plan's currency) or `count` (of `category`).",
    )
    category = serializers.ChoiceField(
        choices=CATEGORY_CHOICES,
        default=TOTAL,
        help_text="What is counted: `totalprice` for all spend, or a category for a count.",
    )
    period = serializers.ChoiceField(
        choices=UsageLimit.Period.choices, default=UsageLimit.Period.MONTHLY
    )
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        help_text="The limit: an amount of money for spend, a number for count.",
    )


class SendingQuotaUsageSerializer(serializers.Serializer):
    """A channel's sending quota and what is used of it (`quotas.quota_usage`)."""

    channel = serializers.CharField(read_only=True)
    daily_used = serializers.IntegerField(read_only=True)
    daily_limit = serializers.IntegerField(read_only=True, allow_null=True, help_text="None: none.")
    monthly_used = serializers.IntegerField(read_only=True)
    monthly_limit = serializers.IntegerField(read_only=True, allow_null=True)
    ramp_level = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The ramp-up step (None: off the ramp)."
    )
    daily_resets_at = serializers.DateTimeField(read_only=True, allow_null=True)
    monthly_resets_at = serializers.DateTimeField(read_only=True, allow_null=True)


class UsageLimitsSerializer(serializers.Serializer):
    limits = UsageLimitSerializer(many=True, read_only=True)
    quotas = SendingQuotaUsageSerializer(many=True, read_only=True)
