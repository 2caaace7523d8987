from django.conf import settings
from rest_framework import serializers

from retention.models import RetentionPolicy


class RetentionPolicySerializer(serializers.ModelSerializer):
    """The tenant's periods in days (null: the platform's default), and what applies."""

    event_days = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="Raw webhook events older than this are deleted; null: the default.",
    )
    body_days = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="Message bodies older than this are blanked; null: the default.",
    )
    effective_event_days = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The period in force (null: forever)."
    )
    effective_body_days = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The period in force (null: forever)."
    )
    min_days = serializers.SerializerMethodField()
    max_days = serializers.SerializerMethodField()

    class Meta:
        model = RetentionPolicy
        fields = [
            "event_days",
            "body_days",
            "effective_event_days",
            "effective_body_days",
            "min_days",
            "max_days",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def get_min_days(self, obj) -> int:
        return settings.RETENTION_MIN_DAYS

    def get_max_days(self, obj) -> int:
        return settings.RETENTION_MAX_DAYS
