"""Saved filters: validation names each bad part; the compiled Q selects the right contacts
(numbers as numbers, dates in calendar order) on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts.filters import validate_filter
from contacts.models import Audience, FieldType
from contacts.selectors import audience_contacts, audience_count
from contacts.tests.factories import (
    AudienceFactory,
    AudienceMemberFactory,
    ContactFactory,
    ContactFieldFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(tenant):
    ContactFieldFactory(tenant=tenant, key="age", type=FieldType.NUMBER)
    ContactFieldFactory(tenant=tenant, key="renewal", type=FieldType.DATE)
    ContactFieldFactory(tenant=tenant, key="city", type=FieldType.TEXT)


def names(audience):
    return sorted(c.first_name for c in audience_contacts(audience))


def filtered(tenant, data):
    return AudienceFactory(tenant=tenant, filter=validate_filter(tenant, data))


def test_numbers_compare_as_numbers(tenant, fields):
    # As text "9" > "10"; as numbers it is not.
    ContactFactory(tenant=tenant, first_name="nine", fields={"age": 9})
    ContactFactory(tenant=tenant, first_name="ten", fields={"age": 10})
    ContactFactory(tenant=tenant, first_name="hundred", fields={"age": 100.5})
    ContactFactory(tenant=tenant, first_name="none", fields={})
    gte = filtered(tenant, {"fields": [{"key": "age", "op": "gte", "value": "10"}]})
    assert names(gte) == ["hundred", "ten"]
    lt = filtered(tenant, {"fields": [{"key": "age", "op": "lt", "value": 10}]})
    assert names(lt) == ["nine"]
    ne = filtered(tenant, {"fields": [{"key": "age", "op": "ne", "value": 10}]})
    assert names(ne) == ["hundred", "nine", "none"]


def test_dates_compare_in_calendar_order(tenant, fields):
    ContactFactory(tenant=tenant, first_name="jan", fields={"renewal": "2026-01-05"})
    ContactFactory(tenant=tenant, first_name="oct", fields={"renewal": "2026-10-01"})
    ContactFactory(tenant=tenant, first_name="old", fields={"renewal": "2025-12-31"})
    before = filtered(
        tenant, {"fields": [{"key": "renewal", "op": "before", "value": "2026-02-01"}]}
    )
    assert names(before) == ["jan", "old"]
    after = filtered(tenant, {"fields": [{"key": "renewal", "op": "after", "value": "2026-01-05"}]})
    assert names(after) == ["oct"]
    eq = filtered(tenant, {"fields": [{"key": "renewal", "op": "eq", "value": "2026-01-05"}]})
    assert names(eq) == ["jan"]


def test_text_fields_ignore_case(tenant, fields):
    ContactFactory(tenant=tenant, first_name="a", fields={"city": "Tampa Bay"})
    ContactFactory(tenant=tenant, first_name="b", fields={"city": "Miami"})
    contains = filtered(tenant, {"fields": [{"key": "city", "op": "contains", "value": "TAMPA"}]})
    assert names(contains) == ["a"]
    eq = filtered(tenant, {"fields": [{"key": "city", "op": "eq", "value": "miami"}]})
    assert names(eq) == ["b"]


def test_tags_consent_activity_and_addresses(tenant):
    now = timezone.now()
    ContactFactory(
        tenant=tenant,
        first_name="vipfl",
        tags=",vip,fl,",
        sms_consent_at=now,
        last_activity_at=now - datetime.timedelta(days=2),
        email="a@example.com",
    )
    ContactFactory(
        tenant=tenant,
        first_name="vip",
        tags=",vip,",
        last_activity_at=now - datetime.timedelta(days=90),
    )
    ContactFactory(tenant=tenant, first_name="fl", tags=",fl,churned,")
    # A tag that contains another as a substring must not match it.
    ContactFactory(tenant=tenant, first_name="vipx", tags=",vipx,")
    assert names(filtered(tenant, {"tags_any": ["VIP", "fl"]})) == ["fl", "vip", "vipfl"]
    assert names(filtered(tenant, {"tags_all": ["vip", "fl"]})) == ["vipfl"]
    assert names(filtered(tenant, {"tags_any": ["fl"], "tags_none": ["churned"]})) == ["vipfl"]
    assert names(filtered(tenant, {"consent": ["sms"]})) == ["vipfl"]
    assert names(filtered(tenant, {"last_activity": {"within_days": 30}})) == ["vipfl"]
    older = filtered(tenant, {"last_activity": {"older_than_days": 30}})
    assert names(older) == ["fl", "vip", "vipx"]
    assert names(filtered(tenant, {"has": ["email"]})) == ["vipfl"]


def test_empty_filter_is_every_contact_of_the_tenant_only(tenant, other_tenant):
    ContactFactory(tenant=tenant, first_name="mine")
    ContactFactory(tenant=other_tenant, first_name="theirs", tags=",vip,")
    assert names(filtered(tenant, {})) == ["mine"]
    assert audience_count(filtered(tenant, {"tags_any": ["vip"]})) == 0


def test_static_audience_is_its_members(tenant):
    audience = AudienceFactory(tenant=tenant, kind=Audience.Kind.STATIC)
    AudienceMemberFactory(audience=audience, contact=ContactFactory(tenant=tenant, first_name="in"))
    ContactFactory(tenant=tenant, first_name="out")
    assert names(audience) == ["in"]
    assert audience_count(audience) == 1


def test_a_deleted_field_matches_no_one(tenant, fields):
    ContactFactory(tenant=tenant, fields={"age": 30})
    audience = filtered(tenant, {"fields": [{"key": "age", "op": "gt", "value": 1}]})
    assert audience_count(audience) == 1
    tenant_fields = audience.tenant
    from contacts.models import ContactField

    ContactField.objects.for_tenant(tenant_fields).filter(key="age").delete()
    assert audience_count(audience) == 0


def test_audience_contacts_is_a_subquery(tenant):
    """Broadcasts embed it in an INSERT … SELECT: it must be usable as `pk__in`."""
    ContactFactory(tenant=tenant, tags=",a,")
    audience = filtered(tenant, {"tags_any": ["a"]})
    from contacts.models import Contact

    assert Contact.objects.filter(pk__in=audience_contacts(audience).values("pk")).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ("nope", "filter"),
        ({"colour": ["red"]}, "filter.colour"),
        ({"tags_any": "vip"}, "filter.tags_any"),
        ({"tags_all": [1]}, "filter.tags_all"),
        ({"fields": [{"key": "missing", "op": "eq", "value": 1}]}, "filter.fields.0.key"),
        ({"fields": [{"key": "age", "op": "contains", "value": 1}]}, "filter.fields.0.op"),
        ({"fields": [{"key": "age", "op": "gt", "value": "many"}]}, "filter.fields.0.value"),
        (
            {"fields": [{"key": "renewal", "op": "before", "value": "31/12/2025"}]},
            "filter.fields.0.value",
        ),
        ({"fields": ["x"]}, "filter.fields.0"),
        ({"consent": ["fax"]}, "filter.consent"),
        ({"last_activity": {"within_days": 0}}, "filter.last_activity.within_days"),
        ({"last_activity": {"days": 3}}, "filter.last_activity"),
        ({"has": ["pager"]}, "filter.has"),
    ],
)
def test_bad_filters_name_the_part(tenant, fields, data, field):
    with pytest.raises(ValidationError) as caught:
        validate_filter(tenant, data)
    assert field in caught.value.message_dict
