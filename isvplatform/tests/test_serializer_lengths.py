"""Every serializer field stored in a model column takes its max_length from that column.

A hand-written limit longer than the column passes SQLite (which doesn't enforce lengths)
and then fails on PostgreSQL with a 500; one shorter refuses values the model holds.
"""

import importlib

import pytest
from django.apps import apps
from django.db import models
from rest_framework import serializers

from compliance.models import Registration
from compliance.selectors import FORM_TO_PROFILE
from compliance.serializers import RegistrationFormSerializer
from provisioning.serializers import ProfileInputSerializer
from tenants.models import BusinessProfile

OUR_APPS = ("tenants", "provisioning", "messaging", "compliance", "webhooks")
# Read in any notation ("+1 (415) 555-0123") and stored normalised to E.164 (16 characters).
PHONE_INPUTS = {"owner_phone", "contact_phone"}


def model_serializers() -> list[type[serializers.ModelSerializer]]:
    for app in OUR_APPS:
        importlib.import_module(f"{app}.serializers")
    found, stack = [], [serializers.ModelSerializer]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in OUR_APPS and hasattr(cls, "Meta"):
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


def column_of(model: type[models.Model], source: str) -> models.Field | None:
    try:
        return model._meta.get_field(source)
    except Exception:
        return None


@pytest.mark.parametrize("serializer_class", model_serializers(), ids=lambda c: c.__name__)
def test_model_serializer_fields_take_the_columns_length(serializer_class):
    model = serializer_class.Meta.model
    for name, field in serializer_class(context={}).fields.items():
        column = column_of(model, field.source)
        if field.read_only or not isinstance(field, serializers.CharField):
            continue
        if not isinstance(column, models.CharField) or name in PHONE_INPUTS:
            continue
        assert field.max_length == column.max_length, (serializer_class.__name__, name)


def test_the_10dlc_form_takes_the_lengths_of_the_columns_it_fills():
    fields = RegistrationFormSerializer().fields
    checked = 0
    for name, field in fields.items():
        if name in FORM_TO_PROFILE:
            column = BusinessProfile._meta.get_field(FORM_TO_PROFILE[name])
        elif column_of(Registration, name) is not None:
            column = Registration._meta.get_field(name)
        else:
            continue
        if name in PHONE_INPUTS or column.max_length is None:
            continue
        assert field.max_length == column.max_length, name
        checked += 1
    assert checked > 10 and fields["use_case"].max_length == 40


def test_the_sign_up_profile_takes_the_profile_columns_lengths():
    for name, field in ProfileInputSerializer().fields.items():
        column = BusinessProfile._meta.get_field(name)
        if isinstance(field, serializers.CharField) and column.max_length:
            assert field.max_length == column.max_length, name


def test_every_model_serializer_is_walked():
    walked = {c.Meta.model for c in model_serializers()}
    assert apps.get_model("tenants", "BusinessProfile") in walked
    assert apps.get_model("messaging", "Message") in walked
