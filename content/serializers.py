"""API shapes of message templates: what a tenant writes, and what it reads back (with the
lint's findings and a preview filled in with the samples)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from content.lint import lint
from content.models import MessageTemplate, TemplateEvent
from content.rendering import MAX_VALUE_LENGTH, VALID_KEY, render, render_buttons
from content.vocab import ApprovalStatus, ButtonKind, Category, ContentKind
from isvplatform.api.serializers import column_length

MAX_BUTTONS_ACCEPTED = 20
MAX_VARIABLES_ACCEPTED = 200


class ButtonSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ButtonKind.choices)
    title = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    id = serializers.CharField(
        max_length=200, required=False, help_text="Quick reply: the payload sent back."
    )
    url = serializers.CharField(
        max_length=2000, required=False, help_text="Link: https URL; a variable only at its end."
    )
    phone = serializers.CharField(max_length=20, required=False, help_text="Call: E.164.")


def validate_variable_keys(value: dict) -> dict:
    if len(value) > MAX_VARIABLES_ACCEPTED:
        raise serializers.ValidationError(f"At most {MAX_VARIABLES_ACCEPTED} variables.")
    for key in value:
        if not VALID_KEY.match(str(key)):
            raise serializers.ValidationError(
                f"{key!r} isn't a variable name: letters, digits or _, at most 16."
            )
    return value


class VariablesField(serializers.DictField):
    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.CharField(max_length=MAX_VALUE_LENGTH, allow_blank=True),
            validators=[validate_variable_keys],
            **kwargs,
        )


class TemplateInputSerializer(serializers.Serializer):
    """A template's authored fields (all optional on PATCH)."""

    name = serializers.CharField(max_length=column_length(MessageTemplate, "name"))
    language = serializers.CharField(
        max_length=column_length(MessageTemplate, "language"), default="en"
    )
    category = serializers.ChoiceField(choices=Category.choices, default=Category.UTILITY)
    content_type = serializers.ChoiceField(choices=ContentKind.choices, default=ContentKind.TEXT)
    body = serializers.CharField(
        max_length=column_length(MessageTemplate, "body"),
        allow_blank=True,
        required=False,
        default="",
        trim_whitespace=False,
    )
    footer = serializers.CharField(
        max_length=column_length(MessageTemplate, "footer"),
        allow_blank=True,
        required=False,
        default="",
    )
    media_url = serializers.URLField(
        max_length=column_length(MessageTemplate, "media_url"),
        allow_blank=True,
        required=False,
        default="",
    )
    buttons = ButtonSerializer(many=True, required=False, default=list)
    variables = VariablesField(required=False, default=dict)
    add_security_recommendation = serializers.BooleanField(required=False, default=True)
    code_expiration_minutes = serializers.IntegerField(
        min_value=1, max_value=90, required=False, allow_null=True, default=None
    )
    allow_category_change = serializers.BooleanField(required=False, default=True)

    def validate_buttons(self, value: list) -> list:
        if len(value) > MAX_BUTTONS_ACCEPTED:
            raise serializers.ValidationError(f"At most {MAX_BUTTONS_ACCEPTED} buttons.")
        return [{k: v for k, v in dict(b).items() if v not in (None, "") or k == "title"}
                for b in value]  # fmt: skip


class PreviewInputSerializer(serializers.Serializer):
    variables = VariablesField(
        required=False, default=dict, help_text="Values by variable; samples fill the rest."
    )


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    source = serializers.CharField(help_text="Where the rule comes from.")


class PreviewButtonSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    id = serializers.CharField(required=False)


class PreviewSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The message as the customer reads it.")
    media_url = serializers.CharField(allow_blank=True)
    buttons = PreviewButtonSerializer(many=True)
    findings = FindingSerializer(many=True)


def preview_data(template: MessageTemplate, variables: dict | None = None) -> dict:
    return {
        "text": render(template, variables),
        "media_url": template.media_url,
        "buttons": render_buttons(template, variables),
        "findings": lint(template),
    }


class TemplateEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TemplateEvent
        fields = ["kind", "from_value", "to_value", "raw_status", "reason", "at"]
        read_only_fields = fields


class TemplateSerializer(serializers.ModelSerializer):
    previous_id = serializers.UUIDField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=ApprovalStatus.choices, read_only=True)
    buttons = ButtonSerializer(many=True, read_only=True)
    variables = serializers.DictField(child=serializers.CharField(), read_only=True)
    is_editable = serializers.BooleanField(read_only=True)
    findings = serializers.SerializerMethodField()

    class Meta:
        model = MessageTemplate
        fields = ["id", "family", "version", "previous_id", "name", "language", "category",
                  "content_type", "body", "footer", "media_url", "buttons", "variables",
                  "add_security_recommendation", "code_expiration_minutes",
                  "allow_category_change", "source", "content_sid", "status", "raw_status",
                  "rejection_reason", "meta_category", "is_editable", "last_error_code",
                  "last_error_message", "submitted_at", "decided_at", "created_at",
                  "updated_at", "findings"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, template: MessageTemplate) -> list[dict]:
        return FindingSerializer(lint(template), many=True).data


class TemplateStatusSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ApprovalStatus.choices, read_only=True)
    timeline = TemplateEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = MessageTemplate
        fields = ["id", "content_sid", "status", "raw_status", "rejection_reason", "category",
                  "meta_category", "submitted_at", "decided_at", "last_polled_at",
                  "next_poll_at", "last_error_code", "last_error_message",
                  "timeline"]  # fmt: skip
        read_only_fields = fields


class SyncResultSerializer(serializers.Serializer):
    queued = serializers.BooleanField()
