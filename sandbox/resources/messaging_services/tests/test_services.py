"""Messaging services: settings, sender pools and their rules."""

import pytest
from twilio.base.exceptions import TwilioRestException

pytestmark = pytest.mark.django_db


def test_create_update_list_delete(sub, hook_url):
    services = sub.client.messaging.v1.services
    created = services.create(friendly_name="Alerts", inbound_request_url=hook_url("in"))
    assert created.sid.startswith("MG")
    assert (created.sticky_sender, created.use_inbound_webhook_on_number) == (True, False)
    assert created.inbound_request_url == hook_url("in")
    updated = services(created.sid).update(
        status_callback=hook_url("status"), sticky_sender=False, use_inbound_webhook_on_number=True
    )
    assert updated.status_callback == hook_url("status")
    assert (updated.sticky_sender, updated.use_inbound_webhook_on_number) == (False, True)
    assert [s.sid for s in services.list()] == [created.sid]
    assert services(created.sid).delete() is True
    assert services.list() == []


def test_friendly_name_is_required(sub):
    with pytest.raises(TwilioRestException) as caught:
        sub.client.messaging.v1.services.create(friendly_name="")
    assert caught.value.status == 400


def test_services_are_private_to_their_account(sub, make_subaccount):
    service = sub.client.messaging.v1.services.create(friendly_name="mine")
    other = make_subaccount("other")
    assert other.client.messaging.v1.services.list() == []
    with pytest.raises(TwilioRestException) as caught:
        other.client.messaging.v1.services(service.sid).fetch()
    assert caught.value.code == 20404


def test_number_pool_rules(sub, number, make_subaccount, buy_number):
    services = sub.client.messaging.v1.services
    first = services.create(friendly_name="first")
    second = services.create(friendly_name="second")
    member = first.phone_numbers.create(phone_number_sid=number.sid)
    assert (member.sid, member.phone_number) == (number.sid, number.phone_number)
    assert member.capabilities == ["MMS", "SMS", "Voice"]
    with pytest.raises(TwilioRestException) as caught:
        first.phone_numbers.create(phone_number_sid=number.sid)
    assert caught.value.code == 21710
    with pytest.raises(TwilioRestException) as caught:
        second.phone_numbers.create(phone_number_sid=number.sid)
    assert caught.value.code == 21712
    foreign = buy_number(make_subaccount("other"))
    with pytest.raises(TwilioRestException):
        first.phone_numbers.create(phone_number_sid=foreign.sid)
    first.phone_numbers(number.sid).delete()
    assert second.phone_numbers.create(phone_number_sid=number.sid).service_sid == second.sid


def test_released_number_leaves_its_service(sub, number):
    service = sub.client.messaging.v1.services.create(friendly_name="pool")
    service.phone_numbers.create(phone_number_sid=number.sid)
    sub.client.incoming_phone_numbers(number.sid).delete()
    assert service.phone_numbers.list() == []


def test_sticky_sender_and_area_code_geomatch(sub, buy_number, advance):
    numbers = [buy_number(sub, area_code=a) for a in (415, 212, 305)]
    service = sub.client.messaging.v1.services.create(friendly_name="pool")
    for n in numbers:
        service.phone_numbers.create(phone_number_sid=n.sid)

    def sender_for(to):
        message = sub.client.messages.create(to=to, messaging_service_sid=service.sid, body="x")
        advance(1)
        return sub.client.messages(message.sid).fetch().from_

    assert sender_for("+12125550111") == numbers[1].phone_number
    assert sender_for("+13055550111") == numbers[2].phone_number
    far = {sender_for("+16175550111") for _ in range(3)}
    assert len(far) == 1
