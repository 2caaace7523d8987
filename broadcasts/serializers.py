"""The API's shapes of broadcasts: what is sent in, what is answered (and the progress
snapshot `progress_data` builds, described for the schema)."""

from decimal import Decimal

from django.conf import settings
from rest_framework import serializers

from broadcasts.models import (
    Broadcast,
    BroadcastRecipient,
    BroadcastSettings,
    BroadcastStatus,
    BroadcastTransition,
    PauseReason,
    Purpose,
    RecipientOutcome,
    SkipReason,
)
from broadcasts.services.checks import CHANNELS
from messaging.segments import MAX_BODY_CHARS

COUNTERS = (
    "total", "pending", "deferred", "sent", "delivered", "failed", "filtered", "opted_out",
    "replies_opted_out", "skipped",
)  # fmt: skip


def _blank_or(choices, what: str) -> serializers.CharField:
    """A choice that is empty when it doesn't apply (an enum of the schema can't say so)."""
    values = ", ".join(f"`{value}`" for value, _ in choices)
    return serializers.CharField(read_only=True, help_text=f"{what}: {values}, or empty.")


class BroadcastSerializer(serializers.ModelSerializer):
    pause_reason = _blank_or(PauseReason.choices, "Why it paused")
    audience = serializers.UUIDField(source="audience_id", read_only=True)
    template = serializers.UUIDField(source="template_id", read_only=True, allow_null=True)
    email_template = serializers.UUIDField(
        source="email_template_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Broadcast
        fields = [
            "id", "name", "channel", "purpose", "body", "template", "template_variables",
            "audience", "from_number", "messaging_service_sid", "subject", "html",
            "email_template", "scheduled_at", "status",
            "pause_reason", "pause_detail", *COUNTERS, "materialised_at", "launched_at",
            "completed_at", "cancelled_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class BroadcastInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    channel = serializers.ChoiceField(choices=CHANNELS, default="sms")
    purpose = serializers.ChoiceField(choices=Purpose.choices, default=Purpose.MARKETING)
    body = serializers.CharField(
        max_length=settings.EMAIL_MAX_HTML_CHARS,
        allow_blank=True,
        required=False,
        help_text="The text, with {{first_name}}, {{last_name}}, {{phone}}, {{email}} or "
        "{{<custom field key>}}; {{first_name|there}} gives a fallback for an empty value. "
        f"Up to {MAX_BODY_CHARS} characters for SMS; for email the text part.",
    )
    template = serializers.UUIDField(
        allow_null=True, required=False, help_text="An approved WhatsApp template's id."
    )
    template_variables = serializers.DictField(
        child=serializers.CharField(max_length=1600, allow_blank=True),
        required=False,
        help_text='The template\'s variables: {"1": "{{first_name}}"}.',
    )
    subject = serializers.CharField(
        max_length=998, allow_blank=True, required=False, help_text="Email: the subject."
    )
    html = serializers.CharField(
        max_length=settings.EMAIL_MAX_HTML_CHARS,
        allow_blank=True,
        required=False,
        help_text="Email: the HTML part (sanitised when sent). `body` is the text part, made "
        "from the HTML when empty. Both take the same variables.",
    )
    email_template = serializers.UUIDField(
        allow_null=True,
        required=False,
        help_text="Email: one of your email templates' id, instead of `subject`, `html` and "
        "`body`.",
    )
    audience = serializers.UUIDField()
    from_number = serializers.CharField(
        max_length=254,
        allow_blank=True,
        required=False,
        help_text="A number of yours (E.164); for email the From address, on a verified "
        "sending domain or a verified address of yours.",
    )
    messaging_service = serializers.CharField(
        source="messaging_service_sid",
        max_length=34,
        allow_blank=True,
        required=False,
        help_text="The SID (MG…) of your messaging service; or give `from_number`, or neither "
        "for your default sender.",
    )
    scheduled_at = serializers.DateTimeField(allow_null=True, required=False)

    def validate_template_variables(self, value: dict) -> dict:
        if len(value) > 100:
            raise serializers.ValidationError("At most 100 variables.")
        return value


class BroadcastFailureReasonSerializer(serializers.Serializer):
    error_code = serializers.CharField(help_text="Twilio's error code, or the status.")
    count = serializers.IntegerField()


class BroadcastProgressSerializer(serializers.Serializer):
    """The progress snapshot: counters read from the broadcast, never counted."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=BroadcastStatus.choices)
    settled = serializers.BooleanField(
        help_text="Final, with every delivery report in (or no longer awaited): nothing "
        "more will change."
    )
    pause_reason = serializers.ChoiceField(choices=PauseReason.choices, allow_null=True)
    pause_detail = serializers.CharField(allow_null=True)
    total = serializers.IntegerField(help_text="Contacts of the audience at launch.")
    pending = serializers.IntegerField(help_text="Recipients still waiting to be sent.")
    deferred = serializers.IntegerField(help_text="Waiting for the end of quiet hours.")
    sent = serializers.IntegerField(help_text="Handed to messaging.")
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    filtered = serializers.IntegerField(help_text="Failed because a carrier filtered them.")
    opted_out = serializers.IntegerField(help_text="Left out: opted out before sending.")
    replies_opted_out = serializers.IntegerField(help_text="Replied STOP during the run.")
    skipped = serializers.IntegerField(help_text="Left out: no consent, no address, a duplicate.")
    failed_by_reason = BroadcastFailureReasonSerializer(many=True)
    percent_done = serializers.FloatField()
    percent_delivered = serializers.FloatField()
    launched_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class BroadcastTransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BroadcastTransition
        fields = ["from_status", "to_status", "reason", "detail", "actor_label", "created_at"]
        read_only_fields = fields


class BroadcastRecipientSerializer(serializers.ModelSerializer):
    skip_reason = _blank_or(SkipReason.choices, "Why it was not sent")
    outcome = _blank_or(RecipientOutcome.choices, "The message's final status")
    contact = serializers.UUIDField(source="contact_id", read_only=True, allow_null=True)
    message = serializers.UUIDField(source="message_id", read_only=True, allow_null=True)

    class Meta:
        model = BroadcastRecipient
        fields = [
            "id", "contact", "address", "status", "skip_reason", "outcome", "message",
            "not_before", "opted_out_at",
        ]  # fmt: skip
        read_only_fields = fields


class BroadcastPreviewRowSerializer(serializers.Serializer):
    contact = serializers.UUIDField(source="contact.pk")
    name = serializers.CharField(source="contact.name")
    address = serializers.CharField()
    text = serializers.CharField(
        help_text="The SMS text this contact receives (for email, the text part)."
    )
    subject = serializers.CharField(help_text="Email: the subject this contact receives.")
    variables = serializers.DictField(
        child=serializers.CharField(), help_text="A template's variables for this contact."
    )


class BroadcastPreviewSerializer(serializers.Serializer):
    audience_size = serializers.IntegerField()
    recipients = BroadcastPreviewRowSerializer(many=True)


class BroadcastSettingsSerializer(serializers.ModelSerializer):
    opt_out_pause_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=Decimal("0.0001"), max_value=Decimal(1),
        help_text="Pause when more than this share of recipients opt out (0.02 = 2%).",
    )  # fmt: skip
    filtering_pause_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=Decimal("0.0001"), max_value=Decimal(1),
        help_text="Pause when more than this share of finished messages is carrier-filtered.",
    )  # fmt: skip
    min_sample = serializers.IntegerField(
        min_value=1, max_value=1_000_000, help_text="Messages counted before a rate is judged."
    )

    class Meta:
        model = BroadcastSettings
        fields = ["opt_out_pause_rate", "filtering_pause_rate", "min_sample"]
