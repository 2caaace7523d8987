"""Serializers of the Verify API: the log, send and check requests, and the settings."""

from rest_framework import serializers

from isvplatform.api.serializers import column_length
from verify.models import Channel, VerificationAttempt, VerificationCheck, VerifyService
from verify.services import allowed_countries, rules

LOCALE_CHOICES = sorted(rules.LOCALES)


class VerificationCheckSerializer(serializers.ModelSerializer):
    valid = serializers.SerializerMethodField()

    class Meta:
        model = VerificationCheck
        fields = ["id", "result", "valid", "error_code", "created_at"]
        read_only_fields = fields

    def get_valid(self, check: VerificationCheck) -> bool:
        return check.result == VerificationCheck.Result.APPROVED


class VerificationAttemptSerializer(serializers.ModelSerializer):
    sid = serializers.CharField(source="twilio_sid", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    price = serializers.DecimalField(
        max_digits=10, decimal_places=5, read_only=True, allow_null=True
    )
    checks = VerificationCheckSerializer(many=True, read_only=True)

    class Meta:
        model = VerificationAttempt
        fields = [
            "id",
            "to",
            "channel",
            "country",
            "locale",
            "status",
            "status_label",
            "sid",
            "send_count",
            "price",
            "price_unit",
            "client_ip",
            "source",
            "error_code",
            "error_message",
            "created_at",
            "approved_at",
            "checks",
        ]
        read_only_fields = fields


class VerificationSendSerializer(serializers.Serializer):
    to = serializers.CharField(
        max_length=column_length(VerificationAttempt, "to"),
        help_text="An E.164 phone number (sms, whatsapp, call) or an email address (email).",
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.SMS)
    locale = serializers.ChoiceField(
        choices=LOCALE_CHOICES,
        required=False,
        allow_blank=True,
        help_text="The message's language; the service's default language when omitted.",
    )
    client_ip = serializers.IPAddressField(
        required=False,
        allow_null=True,
        help_text="The end user's IP address, for the per-IP limit. A signed-in portal "
        "request uses its own address when omitted; an API key's call has none.",
    )


class VerificationCheckRequestSerializer(serializers.Serializer):
    to = serializers.CharField(
        max_length=column_length(VerificationAttempt, "to"),
        required=False,
        help_text="Where the code was sent (its latest verification is checked).",
    )
    verification_id = serializers.IntegerField(
        required=False, min_value=1, help_text="The verification's `id` (instead of `to`)."
    )
    code = serializers.CharField(max_length=10, help_text="The code the person received.")
    client_ip = serializers.IPAddressField(required=False, allow_null=True)

    def validate(self, attrs):
        if not attrs.get("to") and not attrs.get("verification_id"):
            raise serializers.ValidationError({"to": ["Give `to` or `verification_id`."]})
        return attrs


class VerificationCheckResultSerializer(VerificationCheckSerializer):
    verification = VerificationAttemptSerializer(source="attempt", read_only=True)

    class Meta(VerificationCheckSerializer.Meta):
        fields = [*VerificationCheckSerializer.Meta.fields, "verification"]
        read_only_fields = fields


class VerifySettingsSerializer(serializers.ModelSerializer):
    """The Verify settings; PATCH any subset (each validated before Twilio sees it)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), min_length=1, required=False
    )
    allowed_countries = serializers.ListField(
        child=serializers.CharField(min_length=2, max_length=2),
        required=False,
        help_text="ISO country codes codes may be sent to; empty: the business's own country.",
    )
    countries_in_force = serializers.SerializerMethodField()
    default_locale = serializers.ChoiceField(choices=LOCALE_CHOICES, required=False)
    code_length = serializers.IntegerField(min_value=4, max_value=10, required=False)
    per_number_hourly_limit = serializers.IntegerField(
        min_value=1, max_value=rules.LIMIT_MAX, required=False
    )
    per_ip_hourly_limit = serializers.IntegerField(
        min_value=1, max_value=rules.LIMIT_MAX, required=False
    )
    prefix_burst_limit = serializers.IntegerField(
        min_value=1, max_value=rules.LIMIT_MAX, required=False
    )

    WRITABLE = (
        "brand_name",
        "code_length",
        "channels",
        "default_locale",
        "template_sid",
        "allowed_countries",
        "lookup_enabled",
        "do_not_share_warning",
        "per_number_hourly_limit",
        "per_ip_hourly_limit",
        "prefix_burst_limit",
    )

    class Meta:
        model = VerifyService
        fields = [
            "enabled",
            "status",
            "status_label",
            "twilio_sid",
            "last_error",
            "brand_name",
            "code_length",
            "channels",
            "default_locale",
            "template_sid",
            "allowed_countries",
            "countries_in_force",
            "lookup_enabled",
            "do_not_share_warning",
            "per_number_hourly_limit",
            "per_ip_hourly_limit",
            "prefix_burst_limit",
            "synced_at",
        ]
        read_only_fields = ["enabled", "status", "twilio_sid", "last_error", "synced_at"]
        extra_kwargs = {"brand_name": {"required": False}, "template_sid": {"required": False}}

    def get_countries_in_force(self, service: VerifyService) -> list[str]:
        return allowed_countries(service)


class VerifyEnableSerializer(serializers.Serializer):
    brand_name = serializers.CharField(
        max_length=column_length(VerifyService, "brand_name"),
        help_text="What people read in the message (up to 30 characters, no run of five "
        "or more digits).",
    )
