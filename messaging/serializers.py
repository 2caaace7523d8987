"""API shapes of messaging: input serializers only check shape, services decide validity."""

from functools import cache

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from content.rendering import MAX_VALUE_LENGTH as MAX_VARIABLE_VALUE
from isvplatform.api.schema import ErrorDetailSerializer
from isvplatform.api.serializers import E164_PATTERN, column_length
from messaging import csvio
from messaging.models import Channel, ConsentEvent, Conversation, Message, MessageMedia, OptOut
from messaging.selectors import TimelineEntry
from messaging.services.batch import BATCH_MAX

EMAIL_NOT_IN_BATCHES = (
    "Batches carry SMS and WhatsApp: send an email on its own (POST /api/v1/messages) or "
    "to many as an email broadcast."
)
EMAIL_CATEGORIES = [("transactional", "Transactional"), ("marketing", "Marketing")]


def _with_address_names(fields: dict) -> dict:
    """Twilio's names for the two addresses: `from` (a Python keyword) and `to`."""
    for source, name in (("from_number", "from"), ("to_number", "to")):
        if fields.pop(source, None) is not None:
            fields[name] = serializers.CharField(source=source, read_only=True)
    return fields


class MessageSerializer(serializers.ModelSerializer):
    conversation_id = serializers.UUIDField(
        read_only=True,
        allow_null=True,
        help_text="The thread; null until the send task of an API, batch or broadcast send "
        "has run (a portal send or a reply has it at once).",
    )
    template_id = serializers.UUIDField(
        read_only=True, allow_null=True, help_text="The WhatsApp template sent, if any."
    )
    template_name = serializers.CharField(source="template.name", read_only=True, allow_null=True)
    estimated_price_unit = serializers.CharField(read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "sid",
            "direction",
            "channel",
            "origin",
            "from_number",
            "to_number",
            "body",
            "media_urls",
            "subject",
            "from_name",
            "html",
            "headers",
            "esp_name",
            "esp_message_id",
            "content_sid",
            "content_variables",
            "template_id",
            "template_name",
            "button_payload",
            "button_text",
            "messaging_service_sid",
            "status",
            "error_code",
            "error_message",
            "segments",
            "encoding",
            "estimated_price",
            "estimated_price_unit",
            "price",
            "price_unit",
            "via_master",
            "conversation_id",
            "actor_label",
            "created_at",
            "submitted_at",
            "sent_at",
            "delivered_at",
            "failed_at",
            "read_at",
            "received_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_fields(self):
        return _with_address_names(super().get_fields())


@cache
def _message_prototype() -> MessageSerializer:
    serializer = MessageSerializer()
    serializer.fields  # noqa: B018 (built once, read-only afterwards)
    return serializer


def message_data(message: Message) -> dict:
    """`MessageSerializer(message).data`, from fields built once per process: building its
    36 fields again for every send cost more than the send's queries."""
    return _message_prototype().to_representation(message)


class MediaSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="The platform's copy of the file (same API credentials); null until stored "
        "or when it was refused."
    )
    status = serializers.SerializerMethodField(help_text="pending, stored or refused.")

    class Meta:
        model = MessageMedia
        fields = ["id", "position", "sid", "url", "status", "content_type", "size", "refusal"]
        read_only_fields = fields

    def get_url(self, media: MessageMedia) -> str | None:
        if not media.is_stored:
            return None
        path = reverse("api-media", kwargs={"id": media.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_status(self, media: MessageMedia) -> str:
        if media.is_stored:
            return "stored"
        return "refused" if media.refusal else "pending"


class WebhookEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    payload = serializers.JSONField()


class TimelineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    label = serializers.CharField()
    detail = serializers.CharField()
    source = serializers.CharField()

    def to_representation(self, instance: TimelineEntry):
        return super().to_representation(instance.__dict__)


class EmailEventSerializer(serializers.Serializer):
    event_type = serializers.CharField(help_text="anymail's event type: delivered, opened...")
    label = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    recipient = serializers.CharField()
    description = serializers.CharField()
    mta_response = serializers.CharField()
    click_url = serializers.CharField()


class MessageDetailSerializer(MessageSerializer):
    media = MediaSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    email_events = serializers.SerializerMethodField(
        help_text="An email's tracking events from the ESP, oldest first (empty otherwise)."
    )

    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "media", "timeline", "events", "email_events"]
        read_only_fields = fields

    @extend_schema_field(EmailEventSerializer(many=True))
    def get_email_events(self, message) -> list[dict]:
        return EmailEventSerializer(self.context.get("email_events", []), many=True).data

    def get_timeline(self, message) -> list[dict]:
        return TimelineSerializer(self.context["timeline"], many=True).data

    def get_events(self, message) -> list[dict]:
        return WebhookEventSerializer(self.context["events"], many=True).data


class _SendFields(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    media_urls = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False, max_length=10
    )
    content_sid = serializers.CharField(required=False, allow_blank=True, max_length=34)
    content_variables = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    template = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="An approved WhatsApp template (its id in /api/v1/templates); "
        "replaces `body`. Outside the 24-hour window only templates can be sent. On channel "
        "email: an email template (its id in /api/v1/email/templates).",
    )
    variables = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=MAX_VARIABLE_VALUE),
        required=False,
        help_text='The template\'s values, one per variable, like {"1": "Ana"}.',
    )
    subject = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=column_length(Message, "subject"),
        help_text="Email only: the subject line (required unless a template gives it).",
    )
    html = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Email only: the HTML part (sanitised before it is sent).",
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Email only: the text part (generated from the HTML when missing).",
    )
    category = serializers.ChoiceField(
        choices=EMAIL_CATEGORIES,
        required=False,
        help_text="Email only: marketing emails carry the one-click unsubscribe headers and "
        "a footer link; transactional (the default) don't.",
    )


class TemplateChoiceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    language = serializers.CharField()
    category = serializers.CharField()


class SendErrorDetailSerializer(ErrorDetailSerializer):
    templates = TemplateChoiceSerializer(
        many=True,
        required=False,
        help_text="With `whatsapp_window_closed`: the approved templates that may be sent.",
    )


class SendErrorSerializer(serializers.Serializer):
    error = SendErrorDetailSerializer()


class MessageCreateSerializer(_SendFields):
    to = serializers.CharField(
        max_length=254, help_text="E.164, e.g. +14155550123; an email address on channel email."
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.SMS)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=360,
            help_text="One of your numbers; by default your messaging service or primary number. "
            "On channel email: an address of one of your verified sending identities, bare or "
            'with a display name ("Demo Coffee <hello@demo.example>", name up to 100 characters).',
        )
        return fields


class ReplySerializer(_SendFields):
    pass


class EstimateSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.SMS)
    to = serializers.CharField(required=False, allow_blank=True, max_length=40)
    media_urls = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False, max_length=10
    )
    content_sid = serializers.CharField(required=False, allow_blank=True, max_length=34)


class UnicodeCharSerializer(serializers.Serializer):
    char = serializers.CharField()
    index = serializers.IntegerField()
    codepoint = serializers.CharField()


class EstimateResultSerializer(serializers.Serializer):
    channel = serializers.CharField()
    encoding = serializers.CharField(help_text="GSM-7 or UCS-2.")
    segments = serializers.IntegerField()
    characters = serializers.IntegerField()
    units = serializers.IntegerField(help_text="Septets (GSM-7) or UTF-16 code units (UCS-2).")
    per_segment = serializers.IntegerField()
    remaining_in_segment = serializers.IntegerField()
    max_characters = serializers.IntegerField()
    unicode_characters = UnicodeCharSerializer(many=True, help_text="What forces UCS-2.")
    estimated_price = serializers.CharField()
    currency = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


class LastMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "direction", "body", "status", "created_at"]
        read_only_fields = fields


class ConversationSerializer(serializers.ModelSerializer):
    last_message = LastMessageSerializer(read_only=True, allow_null=True)
    whatsapp_window_open = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = [
            "id",
            "channel",
            "contact_number",
            "contact_name",
            "our_number",
            "unread_count",
            "last_message_at",
            "last_inbound_at",
            "whatsapp_window_open",
            "last_message",
            "created_at",
        ]
        read_only_fields = fields

    def get_whatsapp_window_open(self, conversation) -> bool:
        from messaging.services import WHATSAPP_WINDOW

        if conversation.channel != Channel.WHATSAPP or conversation.last_inbound_at is None:
            return False
        from django.utils import timezone

        return conversation.last_inbound_at + WHATSAPP_WINDOW > timezone.now()


@extend_schema_field(
    {"type": "string", "anyOf": [{"pattern": E164_PATTERN}, {"format": "email"}],
     "example": "+14155550123", "readOnly": True}
)  # fmt: skip
class NumberOrAddressField(serializers.CharField):
    """A stored number (E.164), or on channel email an address, lower-cased."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


class OptOutSerializer(serializers.ModelSerializer):
    number = NumberOrAddressField(
        help_text="E.164; on channel email an address, lower-cased (the suppression list)."
    )

    class Meta:
        model = OptOut
        fields = ["id", "number", "channel", "source", "keyword", "reason", "actor_label",
                  "created_at"]  # fmt: skip
        read_only_fields = fields


class OptOutCreateSerializer(serializers.Serializer):
    number = serializers.CharField(
        max_length=column_length(OptOut, "number"),
        help_text="A phone number; on channel email, an email address.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.SMS)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=column_length(OptOut, "reason")
    )


class OptOutImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV with a `number` column; optional `channel`, "
                                 "`reason`.")  # fmt: skip

    def validate(self, attrs):
        """Reads the CSV into `rows`: an unreadable file is an error of the `file` field."""
        try:
            attrs["rows"] = csvio.read_optout_upload(attrs["file"])
        except DjangoValidationError as err:
            raise serializers.ValidationError({"file": err.messages}) from err
        return attrs


class ImportResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    already = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class ConsentEventSerializer(serializers.ModelSerializer):
    message_id = serializers.UUIDField(read_only=True, allow_null=True)
    number = NumberOrAddressField(help_text="E.164; on channel email an address.")

    class Meta:
        model = ConsentEvent
        fields = ["id", "number", "channel", "action", "source", "keyword", "reason",
                  "actor_label", "message_id", "created_at"]  # fmt: skip
        read_only_fields = fields


# --- batches ----------------------------------------------------------------------------

BATCH_ITEM_STATUSES = [("queued", "Queued"), ("refused", "Refused")]


class BatchSendSerializer(serializers.Serializer):
    """The batch's own shape; each item is checked on its own (`batch_items`)."""

    messages = serializers.ListField(
        min_length=1,
        max_length=BATCH_MAX,
        help_text=f"1 to {BATCH_MAX:,} messages, each with the fields of a single send.",
    )


class MessageBatchSerializer(serializers.Serializer):
    """A batch of sends (the schema's view: each item is checked as a single send)."""

    messages = serializers.ListField(
        child=MessageCreateSerializer(),
        min_length=1,
        max_length=BATCH_MAX,
        help_text=f"1 to {BATCH_MAX:,} messages, each with the fields of a single send. An "
        "item that is not such an object is refused in its own result.",
    )


def _flat_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [...]} ("content_variables.x" for nesting)."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flat_errors(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}"))
        return flat
    if isinstance(detail, list) and any(isinstance(d, dict | list) for d in detail):
        flat = {}
        for position, value in enumerate(detail):
            flat.update(_flat_errors(value, f"{prefix}.{position}"))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(m) for m in messages]}


def batch_items(raw_items: list) -> list[dict | DjangoValidationError]:
    """Each item through the single send's serializer (one instance for the whole batch):
    its validated data, or its errors as a Django ValidationError."""
    child = MessageCreateSerializer()
    checked: list[dict | DjangoValidationError] = []
    for item in raw_items:
        if not isinstance(item, dict):
            checked.append(
                DjangoValidationError("Each message is an object with the fields of a send.")
            )
            continue
        if item.get("channel") == Channel.EMAIL:
            checked.append(DjangoValidationError({"channel": EMAIL_NOT_IN_BATCHES}))
            continue
        try:
            checked.append(child.run_validation(item))
        except serializers.ValidationError as err:
            checked.append(DjangoValidationError(_flat_errors(err.detail)))
    return checked


class BatchItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in `messages`, from 0.")
    status = serializers.ChoiceField(choices=BATCH_ITEM_STATUSES)
    id = serializers.UUIDField(required=False, help_text="The queued message (when queued).")
    code = serializers.CharField(
        required=False,
        help_text="Why it was refused: `invalid`, or a single send's refusal code such as "
        "`recipient_opted_out`.",
    )
    message = serializers.CharField(required=False, help_text="The refusal in a sentence.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="The refused item's fields and what is wrong with each.",
    )


class BatchResultSerializer(serializers.Serializer):
    queued = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = BatchItemResultSerializer(many=True, help_text="One per item, in request order.")
