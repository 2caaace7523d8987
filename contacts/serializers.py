"""Serializers of the contact book's API: inputs check shapes and lengths (the services
check the rules and name the fields), outputs say exactly what is stored."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contacts.filters import ADDRESS_KINDS, CONSENT_CHANNELS, MAX_DAYS, MAX_TAGS
from contacts.models import (
    Audience,
    ConsentSource,
    Contact,
    ContactField,
    ContactImport,
    FieldType,
)
from contacts.selectors import import_progress
from contacts.services.import_rows import ATTRIBUTES
from isvplatform.api.serializers import E164_PATTERN

FIELD_OPS = ("eq", "ne", "gt", "lt", "gte", "lte", "contains", "before", "after")


def _tags(**kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=MAX_TAGS, **kwargs
    )


@extend_schema_field(
    {"oneOf": [{"type": "string", "maxLength": 200}, {"type": "number"}], "nullable": True}
)
class FieldValue(serializers.JSONField):
    """A custom field's value: text, a number, or an ISO date as text."""


@extend_schema_field(
    {"type": "string", "anyOf": [{"pattern": E164_PATTERN}, {"maxLength": 0}],
     "example": "+14155550123", "readOnly": True}
)  # fmt: skip
class OptionalE164Field(serializers.CharField):
    """A stored phone number: E.164, or blank for a contact reached by email only."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_blank=True, **kwargs)


class ContactInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True,
        help_text="Any notation; stored as E.164 (national numbers are read as US).",
    )  # fmt: skip
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    whatsapp = serializers.CharField(max_length=32, required=False, allow_blank=True)
    tags = _tags(required=False)
    time_zone = serializers.CharField(
        max_length=64, required=False, allow_blank=True,
        help_text="IANA zone; blank to derive it from the phone number.",
    )  # fmt: skip
    fields = serializers.DictField(
        child=FieldValue(), required=False,
        help_text="Custom field key → value (number, ISO date or text); null removes one.",
    )  # fmt: skip
    consent = serializers.DictField(
        child=serializers.ChoiceField(choices=ConsentSource.choices), required=False,
        help_text='Opt-ins to record, channel → how it was collected: {"sms": "web_form"}. '
        "Channels: sms, whatsapp, email.",
    )  # fmt: skip


class ConsentSerializer(serializers.Serializer):
    at = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField(allow_blank=True)
    opted_out = serializers.BooleanField(help_text="On the opt-out list (email: never).")


class ConsentsSerializer(serializers.Serializer):
    sms = ConsentSerializer()
    whatsapp = ConsentSerializer()
    email = ConsentSerializer()


class ContactSerializer(serializers.ModelSerializer):
    phone = OptionalE164Field()
    whatsapp = OptionalE164Field()
    tags = serializers.ListField(source="tag_list", child=serializers.CharField(), read_only=True)
    consent = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id", "first_name", "last_name", "phone", "email", "whatsapp", "tags", "fields",
            "time_zone", "time_zone_source", "region", "country", "consent",
            "last_activity_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ConsentsSerializer)
    def get_consent(self, contact: Contact) -> dict:
        return {
            channel: {
                "at": getattr(contact, f"{channel}_consent_at"),
                "source": getattr(contact, f"{channel}_consent_source"),
                "opted_out": bool(getattr(contact, f"{channel}_opted_out", False)),
            }
            for channel in CONSENT_CHANNELS
        }


class ContactFieldInputSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=40)
    label = serializers.CharField(max_length=100)
    type = serializers.ChoiceField(choices=FieldType.choices, default=FieldType.TEXT)


class ContactFieldUpdateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, required=False)
    type = serializers.ChoiceField(choices=FieldType.choices, required=False)


class ContactFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactField
        fields = ["id", "key", "label", "type", "created_at"]
        read_only_fields = fields


class ConditionSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=40)
    op = serializers.ChoiceField(choices=FIELD_OPS)
    value = FieldValue()


class LastActivitySerializer(serializers.Serializer):
    within_days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, required=False)
    older_than_days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, required=False)


class FilterSerializer(serializers.Serializer):
    """A saved filter; every condition must hold. See the audiences description."""

    tags_any = _tags(required=False)
    tags_all = _tags(required=False)
    tags_none = _tags(required=False)
    fields = serializers.ListField(child=ConditionSerializer(), max_length=20, required=False)
    consent = serializers.ListField(
        child=serializers.ChoiceField(choices=CONSENT_CHANNELS), required=False
    )
    last_activity = LastActivitySerializer(required=False)
    has = serializers.ListField(
        child=serializers.ChoiceField(choices=ADDRESS_KINDS), required=False
    )


class AudienceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Audience.Kind.choices, default=Audience.Kind.FILTER)
    filter = FilterSerializer(required=False)


class AudienceUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    filter = FilterSerializer(required=False)


class AudienceSerializer(serializers.ModelSerializer):
    filter = FilterSerializer(read_only=True)

    class Meta:
        model = Audience
        fields = ["id", "name", "description", "kind", "filter", "created_at", "updated_at"]
        read_only_fields = fields


class AudienceDetailSerializer(AudienceSerializer):
    count = serializers.IntegerField(read_only=True, help_text="Contacts in it right now.")

    class Meta(AudienceSerializer.Meta):
        fields = [*AudienceSerializer.Meta.fields, "count"]
        read_only_fields = fields


class AudienceCountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class MembersInputSerializer(serializers.Serializer):
    contact_ids = serializers.ListField(
        child=serializers.UUIDField(), max_length=1000, required=False
    )
    tag = serializers.CharField(max_length=50, required=False, allow_blank=True)
    q = serializers.CharField(
        max_length=200, required=False, allow_blank=True,
        help_text="Add every contact this search finds (with `tag`, both must match).",
    )  # fmt: skip


class MembersRemoveSerializer(serializers.Serializer):
    contact_ids = serializers.ListField(child=serializers.UUIDField(), max_length=1000)


class MembersResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField()
    count = serializers.IntegerField()


MAPPING_HELP = (
    "JSON object: CSV column → one of " + ", ".join(ATTRIBUTES) + ', field:<key>, or "" to '
    "skip. Without it, a mapping is guessed from the column names."
)


class ImportOptionsSerializer(serializers.Serializer):
    mapping = serializers.DictField(
        child=serializers.CharField(max_length=60, allow_blank=True), required=False,
        help_text=MAPPING_HELP,
    )  # fmt: skip
    consent_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=CONSENT_CHANNELS), required=False,
        help_text="Channels the list's contacts opted in to (needs `consent_source`).",
    )  # fmt: skip
    consent_source = serializers.ChoiceField(
        choices=ConsentSource.choices, required=False, allow_blank=True
    )
    add_tags = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A UTF-8 CSV whose first row names the columns.")
    mapping = serializers.CharField(required=False, allow_blank=True, help_text=MAPPING_HELP)
    consent_channels = serializers.CharField(
        required=False, allow_blank=True, help_text="Comma-separated: sms, whatsapp, email."
    )
    consent_source = serializers.ChoiceField(
        choices=ConsentSource.choices, required=False, allow_blank=True
    )
    add_tags = serializers.CharField(max_length=500, required=False, allow_blank=True)
    dry_run = serializers.BooleanField(
        default=False, help_text="Validate and preview the first rows; import nothing yet."
    )


class ImportSerializer(serializers.ModelSerializer):
    consent_source = serializers.ChoiceField(
        choices=ConsentSource.choices, allow_blank=True, read_only=True
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ContactImport
        fields = [
            "id", "original_name", "size", "status", "columns", "mapping", "consent_channels",
            "consent_source", "add_tags", "total_rows", "processed_rows", "created_count",
            "updated_count", "error_count", "progress", "failure", "created_at", "started_at",
            "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_progress(self, job: ContactImport) -> float:
        """Share of the rows done, 0 to 1 (1 when finished)."""
        return import_progress(job)


class ImportRowErrorSerializer(serializers.Serializer):
    column = serializers.CharField()
    value = serializers.CharField()
    message = serializers.CharField()


class ImportPreviewRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="As a spreadsheet numbers it (the header is 1).")
    contact = serializers.DictField(help_text="The attributes the row would give the contact.")
    errors = ImportRowErrorSerializer(many=True)


class ImportRowsPreviewSerializer(serializers.Serializer):
    rows = ImportPreviewRowSerializer(many=True)
    would_create = serializers.IntegerField()
    would_update = serializers.IntegerField()
    error_rows = serializers.IntegerField()
    counted_rows = serializers.IntegerField()
    whole_file = serializers.BooleanField(help_text="Whether the counts cover the whole file.")


class ImportPreviewSerializer(serializers.Serializer):
    job = ImportSerializer(help_text="The stored upload: start it at /contacts/import/{id}/start.")
    preview = ImportRowsPreviewSerializer()
