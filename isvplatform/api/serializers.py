"""Serializer bases of the REST API."""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

E164_PATTERN = r"^\+[1-9]\d{1,14}$"


@extend_schema_field(
    {"type": "string", "pattern": E164_PATTERN, "example": "+14155550123", "readOnly": True}
)
class E164Field(serializers.CharField):
    """A stored phone number: always E.164, so the schema says so exactly (ITU-T E.164: a
    plus, a country code that doesn't start with 0, at most 15 digits in all)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)


def column_length(model: type[models.Model], name: str, default: int | None = None) -> int | None:
    """The max_length of the column a hand-declared field is stored in (`default` for a text
    column), so a serializer never lets through a value its column can't hold."""
    return model._meta.get_field(name).max_length or default


class AllowlistModelSerializer(serializers.ModelSerializer):
    """A model serializer whose only writable fields are those named in `Meta.writable_fields`.

    Every other field, declared or generated, is read-only, so a request body carrying
    `tenant`, `status`, ids or any other server-owned field changes nothing.
    """

    def get_fields(self):
        fields = super().get_fields()
        if not hasattr(self.Meta, "writable_fields"):
            raise ImproperlyConfigured(f"{type(self).__name__}.Meta needs `writable_fields`.")
        writable = set(self.Meta.writable_fields)
        unknown = writable - set(fields)
        if unknown:
            raise ImproperlyConfigured(
                f"{type(self).__name__}: writable_fields not in fields: {sorted(unknown)}"
            )
        for name, field in fields.items():
            if name not in writable:
                field.read_only = True
                field.required = False
                field.default = empty
        return fields
