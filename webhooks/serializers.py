"""API shapes of tenant webhooks. Secrets are write-only, shown once when created or rotated."""

from rest_framework import serializers

from isvplatform.api.serializers import column_length
from webhooks.models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint


class EndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "is_active", "created_at",
                  "updated_at"]  # fmt: skip
        read_only_fields = fields


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.SerializerMethodField(
        help_text="Shown only in this response; verify signatures with it."
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields

    def get_secret(self, endpoint) -> str:
        return self.context["secret"]


class EndpointCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=column_length(WebhookEndpoint, "url"))
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), allow_empty=False
    )
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=column_length(WebhookEndpoint, "description"),
    )
    secret = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=200,
        help_text="Your own signing secret (16+ characters); generated when left out.",
    )


class EndpointUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(required=False, max_length=column_length(WebhookEndpoint, "url"))
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices), required=False
    )
    description = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=column_length(WebhookEndpoint, "description"),
    )
    is_active = serializers.BooleanField(required=False)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["attempted_at", "status_code", "error", "response_excerpt", "duration_ms"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    endpoint_id = serializers.UUIDField(read_only=True)
    event_type = serializers.CharField(read_only=True, help_text="One of the event types.")
    redelivery_of_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "endpoint_id", "event_id", "event_type", "state", "attempts",
                  "last_status_code", "last_error", "next_attempt_at", "created_at",
                  "delivered_at", "redelivery_of_id", "payload"]  # fmt: skip
        read_only_fields = fields


class DeliveryDetailSerializer(DeliverySerializer):
    log = AttemptSerializer(many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "log"]
        read_only_fields = fields
