"""Custom field definitions and audiences: keys and types guarded, static members added
set-based, names unique per tenant."""

import pytest
from django.core.exceptions import ValidationError

from contacts.filters import clean_field_value
from contacts.models import Audience, AudienceMember, Contact, FieldType
from contacts.selectors import audience_count
from contacts.services import (
    audience_create,
    audience_update,
    field_create,
    field_update,
    members_add,
    members_remove,
)
from contacts.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_field_keys_and_types(tenant, actor):
    field = field_create(tenant=tenant, actor=actor, key="age", label="Age", type="number")
    for key in ("Age", "1st", "phone", "a" * 41, "with space"):
        with pytest.raises(ValidationError) as caught:
            field_create(tenant=tenant, actor=actor, key=key, label="X", type="text")
        assert "key" in caught.value.message_dict, key
    with pytest.raises(ValidationError) as caught:
        field_create(tenant=tenant, actor=actor, key="age", label="Again", type="text")
    assert "key" in caught.value.message_dict
    assert field_update(field=field, actor=actor, type=FieldType.DATE).type == "date"
    ContactFactory(tenant=tenant, fields={"age": "2020-01-01"})
    with pytest.raises(ValidationError) as caught:
        field_update(field=field, actor=actor, type=FieldType.NUMBER)
    assert "type" in caught.value.message_dict


@pytest.mark.parametrize(
    ("type_", "raw", "stored"),
    [
        ("number", "1,234.50", 1234.5),
        ("number", 7.0, 7),
        ("date", "2026-02-03", "2026-02-03"),
        ("date", "2026-02-03T10:00:00", "2026-02-03"),
        ("text", " hi ", "hi"),
    ],
)
def test_field_values_are_stored_typed(type_, raw, stored):
    assert clean_field_value(type_, raw) == stored


@pytest.mark.parametrize(
    ("type_", "raw"),
    [("number", True), ("number", "nan"), ("number", 10**400), ("number", float("inf")),
     ("date", "2026-02-30"), ("date", 20260101), ("text", {"a": 1}), ("text", "x" * 201)],
)  # fmt: skip
def test_bad_field_values(type_, raw):
    with pytest.raises(ValueError):
        clean_field_value(type_, raw)


def test_static_members(tenant, other_tenant, actor):
    audience = audience_create(tenant=tenant, actor=actor, data={"name": "L", "kind": "static"})
    mine = [ContactFactory(tenant=tenant, tags=",vip,") for _ in range(3)]
    theirs = ContactFactory(tenant=other_tenant, tags=",vip,")
    everyone = Contact.objects.filter(pk__in=[c.pk for c in [*mine, theirs]])
    assert members_add(audience=audience, actor=actor, contacts=everyone) == 3
    assert members_add(audience=audience, actor=actor, contacts=everyone) == 0
    assert audience_count(audience) == 3
    assert members_remove(audience=audience, actor=actor, contact_ids=[mine[0].pk]) == 1
    assert AudienceMember.objects.for_tenant(tenant).count() == 2


def test_audience_rules(tenant, actor):
    audience_create(tenant=tenant, actor=actor, data={"name": "Same"})
    with pytest.raises(ValidationError) as caught:
        audience_create(tenant=tenant, actor=actor, data={"name": "Same"})
    assert "name" in caught.value.message_dict
    static = audience_create(tenant=tenant, actor=actor, data={"name": "S", "kind": "static"})
    with pytest.raises(ValidationError) as caught:
        audience_update(audience=static, actor=actor, data={"filter": {"tags_any": ["x"]}})
    assert "filter" in caught.value.message_dict
    saved = audience_create(
        tenant=tenant, actor=actor, data={"name": "F", "filter": {"tags_any": ["VIP "]}}
    )
    assert (saved.kind, saved.filter) == (Audience.Kind.FILTER, {"tags_any": ["vip"]})
    with pytest.raises(ValidationError):
        members_add(audience=saved, actor=actor, contacts=Contact.objects.none())
