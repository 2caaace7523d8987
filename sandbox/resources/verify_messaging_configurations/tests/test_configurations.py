"""A messaging configuration sends the country's Verify SMS from the account's own
Messaging Service; other countries keep Twilio's sender."""

from sandbox import handsets
from sandbox.testing import error_of


def test_the_countrys_sms_come_from_the_services_number(sub, buy_number, make_subaccount):
    number = buy_number(sub)
    pool = sub.client.messaging.v1.services.create(friendly_name="US senders")
    sub.client.messaging.v1.services(pool.sid).phone_numbers.create(phone_number_sid=number.sid)
    service = sub.client.verify.v2.services.create(friendly_name="Acme")
    verify = sub.client.verify.v2.services(service.sid)
    config = verify.messaging_configurations.create(country="us", messaging_service_sid=pool.sid)
    assert config.country == "US"
    verify.verifications.create(to="+14155550170", channel="sms")
    verify.verifications.create(to="+447700900170", channel="sms")
    assert handsets.messages_received("+14155550170")[0]["from"] == number.phone_number
    assert handsets.messages_received("+447700900170")[0]["from"] == "26821"
    verify.messaging_configurations.create(country="all", messaging_service_sid=pool.sid)
    verify.verifications.create(to="+447700900171", channel="sms")
    assert handsets.messages_received("+447700900171")[0]["from"] == number.phone_number
    assert [c.country for c in verify.messaging_configurations.list()] == ["US", "all"]


def test_configuration_rules(sub, make_subaccount):
    service = sub.client.verify.v2.services.create(friendly_name="Acme")
    api = sub.client.verify.v2.services(service.sid).messaging_configurations
    pool = sub.client.messaging.v1.services.create(friendly_name="pool")
    assert error_of(lambda: api.create(country="ZZ", messaging_service_sid=pool.sid)) == (
        400,
        60200,
    )
    assert error_of(lambda: api.create(country="CA", messaging_service_sid="MG" + "0" * 32)) == (
        400,
        60200,
    )
    api.create(country="CA", messaging_service_sid=pool.sid)
    assert error_of(lambda: api.create(country="CA", messaging_service_sid=pool.sid)) == (
        400,
        60200,
    )
    assert error_of(lambda: api("FR").fetch()) == (404, 20404)
    other = make_subaccount("other").client.verify.v2.services(service.sid)
    assert error_of(lambda: other.messaging_configurations("CA").fetch()) == (404, 20404)
