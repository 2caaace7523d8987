"""Serializer bases of the REST API."""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from rest_framework import serializers
from rest_framework.fields import empty


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
