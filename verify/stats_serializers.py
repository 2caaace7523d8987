"""The shape of `GET /api/v1/verifications/stats` (the selector's dict, rendered as is)."""

from rest_framework import serializers

from verify.analytics import FailureReason
from verify.models import Channel


class TimeToVerifySerializer(serializers.Serializer):
    median_seconds = serializers.FloatField(
        allow_null=True, help_text="Median seconds from send to approval; null if none."
    )
    p90_seconds = serializers.FloatField(allow_null=True, help_text="90th percentile, seconds.")
    mean_seconds = serializers.FloatField(allow_null=True)


class FailureSerializer(serializers.Serializer):
    reason = serializers.CharField(
        help_text="A Twilio error code (e.g. `60410`) or the final status; known ones: "
        + ", ".join(f"`{value}`" for value in FailureReason.values)
    )
    label = serializers.CharField()
    count = serializers.IntegerField()


class CostSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=20, decimal_places=5, coerce_to_string=True)
    currency = serializers.CharField(help_text="ISO 4217, e.g. USD.")


class FiguresSerializer(serializers.Serializer):
    attempts = serializers.IntegerField()
    approved = serializers.IntegerField()
    conversion_rate = serializers.FloatField(
        allow_null=True, help_text="approved / attempts (0-1); null without attempts."
    )
    time_to_verify = TimeToVerifySerializer()
    failures = FailureSerializer(many=True)
    cost = CostSerializer()


class DistributionBinSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class TotalsSerializer(FiguresSerializer):
    ttv_distribution = DistributionBinSerializer(
        many=True, help_text="Approved attempts by time to verify, in fixed bins."
    )


class ChannelFiguresSerializer(FiguresSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    label = serializers.CharField()


class CountryFiguresSerializer(FiguresSerializer):
    country = serializers.CharField(help_text="ISO 3166 alpha-2; empty when unknown.")


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    attempts = serializers.IntegerField()
    approved = serializers.IntegerField()


class PeriodSerializer(serializers.Serializer):
    days = serializers.IntegerField()

    def get_fields(self):
        # `from` is a Python keyword: the two dates are added by name.
        dates = {"from": serializers.DateField(), "to": serializers.DateField()}
        return {**dates, **super().get_fields()}


class StatsFiltersSerializer(serializers.Serializer):
    channel = serializers.CharField(help_text="Empty: all channels.")
    country = serializers.CharField(help_text="Empty: all countries.")


class TwilioCostSerializer(CostSerializer):
    days_read = serializers.IntegerField(
        help_text="Days of the period whose usage records have been read from Twilio."
    )


class ReconciliationSerializer(serializers.Serializer):
    twilio_cost = TwilioCostSerializer(
        help_text="What the subaccount's `verify-*` usage records say (all channels and "
        "countries: the filters don't apply)."
    )
    difference = CostSerializer(help_text="Twilio's figure minus the attempts' prices.")


class VerificationStatsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    filters = StatsFiltersSerializer()
    totals = TotalsSerializer()
    reconciliation = ReconciliationSerializer()
    by_channel = ChannelFiguresSerializer(many=True)
    by_country = CountryFiguresSerializer(many=True)
    daily = DaySerializer(many=True, help_text="Every day of the period, oldest first.")
