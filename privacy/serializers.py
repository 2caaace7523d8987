from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from privacy.models import DataExport, ErasureRequest, SubjectKind
from privacy.services import erasure_progress


class ErasureCreateSerializer(serializers.Serializer):
    """Exactly one of the two: the person's phone number or email address."""

    phone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The phone number, in E.164 (+14155550123).",
    )
    email = serializers.CharField(
        required=False, allow_blank=True, max_length=254, help_text="The email address."
    )


class TimelineEntrySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ErasureRequest.Status.choices)
    at = serializers.DateTimeField()


class ErasureSerializer(serializers.ModelSerializer):
    """An erasure: only a masked hint of the address is ever shown, and once done only its
    keyed hash is kept."""

    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=ErasureRequest.Status.choices, read_only=True)
    progress = serializers.SerializerMethodField(help_text="Percent of the steps done.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Rows handled per table."
    )
    timeline = TimelineEntrySerializer(many=True, read_only=True)
    requested_by = serializers.CharField(source="actor_label", read_only=True)

    class Meta:
        model = ErasureRequest
        fields = [
            "id",
            "subject_kind",
            "subject_hint",
            "status",
            "progress",
            "counts",
            "timeline",
            "error",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress(self, obj) -> int:
        return erasure_progress(obj)


class DataExportSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=DataExport.Status.choices, read_only=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Rows written per table."
    )
    requested_by = serializers.CharField(source="actor_label", read_only=True)
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the ZIP while it is ready and not expired; else null."
    )

    class Meta:
        model = DataExport
        fields = [
            "id",
            "status",
            "progress",
            "tables_done",
            "tables_total",
            "counts",
            "size",
            "error",
            "requested_by",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, obj) -> str | None:
        if not obj.is_downloadable:
            return None
        return reverse("api-privacy-export-download", args=[obj.pk])
