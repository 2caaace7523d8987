"""Contacts: E.164 and unique per tenant, zone and state from the number, typed fields,
consent with its source written to the contact and the ledger."""

import pytest
from django.core.exceptions import ValidationError

from contacts.models import ConsentSource, Contact, FieldType
from contacts.services import contact_create, contact_delete, contact_update
from contacts.tests.factories import ContactFieldFactory
from messaging.models import ConsentEvent, OptOut

pytestmark = pytest.mark.django_db


def test_phone_is_e164_and_place_comes_from_the_number(tenant, actor):
    contact = contact_create(
        tenant=tenant, actor=actor, data={"phone": "(813) 555-0100", "first_name": " Ana "}
    )
    assert contact.phone == "+18135550100"
    assert contact.first_name == "Ana"
    assert (contact.time_zone, contact.region, contact.country) == (
        "America/New_York",
        "US-FL",
        "US",
    )
    assert contact.time_zone_source == Contact.TimeZoneSource.NUMBER
    ok = contact_create(tenant=tenant, actor=actor, data={"phone": "+14055550100"})
    assert (ok.time_zone, ok.region) == ("America/Chicago", "US-OK")


def test_duplicate_phone_names_the_field(tenant, other_tenant, actor):
    contact_create(tenant=tenant, actor=actor, data={"phone": "+18135550100"})
    with pytest.raises(ValidationError) as caught:
        contact_create(tenant=tenant, actor=actor, data={"phone": "813-555-0100"})
    assert "phone" in caught.value.message_dict
    # Another tenant may have the same number.
    contact_create(tenant=other_tenant, actor=actor, data={"phone": "+18135550100"})


def test_time_zone_by_hand_then_back_to_the_number(tenant, actor):
    contact = contact_create(
        tenant=tenant, actor=actor, data={"phone": "+18135550100", "time_zone": "Europe/Lisbon"}
    )
    assert (contact.time_zone, contact.time_zone_source) == ("Europe/Lisbon", "manual")
    contact = contact_update(contact=contact, actor=actor, data={"phone": "+14155550123"})
    assert contact.time_zone == "Europe/Lisbon"
    assert contact.region == "US-CA"
    contact = contact_update(contact=contact, actor=actor, data={"time_zone": ""})
    assert (contact.time_zone, contact.time_zone_source) == ("America/Los_Angeles", "number")
    with pytest.raises(ValidationError) as caught:
        contact_update(contact=contact, actor=actor, data={"time_zone": "Mars/Olympus"})
    assert "time_zone" in caught.value.message_dict


def test_typed_fields_and_tags(tenant, actor):
    ContactFieldFactory(tenant=tenant, key="age", type=FieldType.NUMBER)
    ContactFieldFactory(tenant=tenant, key="renewal", type=FieldType.DATE)
    contact = contact_create(
        tenant=tenant,
        actor=actor,
        data={
            "phone": "+18135550100",
            "tags": "VIP, newsletter,vip",
            "fields": {"age": "42", "renewal": "2026-03-01"},
        },
    )
    assert contact.tags == ",newsletter,vip,"
    assert contact.fields == {"age": 42, "renewal": "2026-03-01"}
    contact = contact_update(contact=contact, actor=actor, data={"fields": {"age": ""}})
    assert contact.fields == {"renewal": "2026-03-01"}
    with pytest.raises(ValidationError) as caught:
        contact_update(
            contact=contact,
            actor=actor,
            data={"fields": {"age": "old", "renewal": "March", "nope": 1}},
        )
    assert set(caught.value.message_dict) == {"fields.age", "fields.renewal", "fields.nope"}


def test_bad_input_names_each_field(tenant, actor):
    with pytest.raises(ValidationError) as caught:
        contact_create(
            tenant=tenant,
            actor=actor,
            data={"phone": "12", "email": "not-an-email", "first_name": "a\x00b"},
        )
    assert set(caught.value.message_dict) == {"phone", "email", "first_name"}
    with pytest.raises(ValidationError) as caught:
        contact_create(tenant=tenant, actor=actor, data={"first_name": "Nobody"})
    assert "phone" in caught.value.message_dict


def test_consent_sets_the_columns_and_appends_to_the_ledger(tenant, actor):
    OptOut.objects.create(tenant=tenant, number="+18135550100", channel="sms", source="keyword")
    contact = contact_create(
        tenant=tenant,
        actor=actor,
        data={"phone": "+18135550100", "email": "a@example.com", "consent": {
            "sms": ConsentSource.WEB_FORM, "email": ConsentSource.PURCHASE}},
    )  # fmt: skip
    assert contact.sms_consent_at is not None
    assert contact.sms_consent_source == "web_form"
    assert contact.email_consent_source == "purchase"
    entry = ConsentEvent.objects.for_tenant(tenant).get()
    assert (entry.number, entry.channel, entry.action, entry.source) == (
        "+18135550100",
        "sms",
        "opt_in",
        "web_form",
    )
    # Recording consent doesn't lift the contact's own STOP.
    assert OptOut.objects.for_tenant(tenant).filter(number="+18135550100").exists()
    with pytest.raises(ValidationError) as caught:
        contact_update(contact=contact, actor=actor, data={"consent": {"whatsapp": "rumour"}})
    assert "consent.whatsapp" in caught.value.message_dict


def test_delete(tenant, actor):
    contact = contact_create(tenant=tenant, actor=actor, data={"phone": "+18135550100"})
    contact_delete(contact=contact, actor=actor)
    assert not Contact.objects.for_tenant(tenant).exists()


def test_last_activity_is_the_latest_inbound_message(tenant, other_tenant):
    import datetime

    from django.utils import timezone

    from contacts.services.activity import activity_refresh
    from contacts.tests.factories import ContactFactory
    from messaging.models import Direction
    from messaging.tests.factories import MessageFactory

    now = timezone.now()
    contact = ContactFactory(tenant=tenant, phone="+18135550100")
    stranger = ContactFactory(tenant=other_tenant, phone="+18135550100")
    for minutes in (9, 3):
        MessageFactory(
            tenant=tenant, direction=Direction.INBOUND, from_number="+18135550100",
            created_at=now - datetime.timedelta(minutes=minutes),
        )  # fmt: skip
    MessageFactory(tenant=tenant, direction=Direction.OUTBOUND, to_number="+18135550100")
    assert activity_refresh() == 1
    contact.refresh_from_db()
    stranger.refresh_from_db()
    assert contact.last_activity_at == now - datetime.timedelta(minutes=3)
    assert stranger.last_activity_at is None
    assert activity_refresh() == 0
