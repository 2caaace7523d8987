"""The API's shapes of WhatsApp senders (lengths from the model, Meta's rules in
`validation`)."""

from rest_framework import serializers

from isvplatform.api.serializers import column_length
from whatsapp.models import SenderEvent, SenderStatus, VerificationMethod, WhatsAppSender
from whatsapp.validation import VERTICALS, WEBSITE_MAX, WEBSITES_MAX


def _length(name: str) -> int | None:
    return column_length(WhatsAppSender, name)


class SenderEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = SenderEvent
        fields = ["from_status", "to_status", "raw_status", "reason", "at"]


class OfflineReasonSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True)
    message = serializers.CharField(allow_null=True)
    more_info = serializers.CharField(allow_null=True, required=False)


class WhatsAppSenderSerializer(serializers.ModelSerializer):
    phone_number = serializers.CharField(source="phone_number.phone_number", read_only=True)
    phone_number_id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(choices=SenderStatus.choices, read_only=True)
    raw_status = serializers.CharField(
        read_only=True, help_text="Twilio's status, e.g. PENDING_VERIFICATION or ONLINE."
    )
    websites = serializers.ListField(child=serializers.CharField(), read_only=True)
    offline_reasons = OfflineReasonSerializer(many=True, read_only=True)
    timeline = SenderEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = WhatsAppSender
        fields = [
            "id",
            "phone_number",
            "phone_number_id",
            "sid",
            "waba_id",
            "display_name",
            "about",
            "address",
            "description",
            "logo_url",
            "vertical",
            "email",
            "websites",
            "verification_method",
            "status",
            "raw_status",
            "quality_rating",
            "messaging_limit",
            "offline_reasons",
            "last_error_code",
            "last_error_message",
            "online_at",
            "created_at",
            "updated_at",
            "timeline",
        ]
        read_only_fields = fields


class SenderCreateSerializer(serializers.Serializer):
    phone_number_id = serializers.UUIDField(help_text="One of your numbers not on WhatsApp yet.")
    waba_id = serializers.CharField(
        max_length=_length("waba_id"), help_text="From Meta's Embedded Signup."
    )
    display_name = serializers.CharField(max_length=_length("display_name"))
    about = serializers.CharField(max_length=_length("about"), required=False, allow_blank=True)
    address = serializers.CharField(max_length=_length("address"), required=False, allow_blank=True)
    description = serializers.CharField(
        max_length=_length("description"), required=False, allow_blank=True
    )
    logo_url = serializers.URLField(
        max_length=_length("logo_url"), required=False, allow_blank=True
    )
    vertical = serializers.ChoiceField(choices=VERTICALS, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=_length("email"), required=False, allow_blank=True)
    websites = serializers.ListField(
        child=serializers.URLField(max_length=WEBSITE_MAX),
        max_length=WEBSITES_MAX,
        required=False,
    )
    verification_method = serializers.ChoiceField(
        choices=VerificationMethod.choices, default=VerificationMethod.SMS
    )


class SenderVerifySerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=16, help_text="The 6-digit code WhatsApp sent to the number."
    )


class SenderResendSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=VerificationMethod.choices)
