"""Verify services: Twilio's rules on the brand name, the code length and the settings."""

import pytest

from sandbox import services
from sandbox.testing import error_of


@pytest.fixture
def api(sub):
    return sub.client.verify.v2.services


def test_defaults(api):
    service = api.create(friendly_name="Acme Coffee")
    assert service.sid.startswith("VA") and len(service.sid) == 34
    assert (service.code_length, service.lookup_enabled, service.custom_code_enabled) == (
        6,
        False,
        False,
    )
    assert service.totp["issuer"] == "Acme Coffee"
    assert service.whatsapp == {"msg_service_sid": None, "from": None}
    assert service.links["verifications"].endswith(f"/v2/Services/{service.sid}/Verifications")


@pytest.mark.parametrize(
    "name",
    ["", "A" * 33, "Acme 12345", "Call 0800123456 now"],
)
def test_friendly_name_rules(api, name):
    assert error_of(lambda: api.create(friendly_name=name)) == (400, 60200)


def test_four_digits_and_32_characters_are_fine(api):
    assert api.create(friendly_name="Acme 2024").friendly_name == "Acme 2024"
    assert api.create(friendly_name="A" * 32).friendly_name == "A" * 32


@pytest.mark.parametrize("length", [3, 11])
def test_code_length_is_4_to_10(api, length):
    assert error_of(lambda: api.create(friendly_name="Acme", code_length=length)) == (400, 60200)


def test_update_changes_only_what_is_sent(api):
    service = api.create(friendly_name="Acme", code_length=4, do_not_share_warning_enabled=True)
    updated = api(service.sid).update(code_length=10)
    assert (updated.friendly_name, updated.code_length) == ("Acme", 10)
    assert updated.do_not_share_warning_enabled is True
    assert error_of(lambda: api(service.sid).update(friendly_name="Acme 99999")) == (400, 60200)


def test_skip_sms_to_landlines_needs_lookup(api):
    assert error_of(lambda: api.create(friendly_name="Acme", skip_sms_to_landlines=True)) == (
        400,
        60200,
    )


def test_default_template_must_be_an_sms_template(api):
    assert error_of(
        lambda: api.create(friendly_name="Acme", default_template_sid="HJ" + "f" * 32)
    ) == (400, 60228)
    service = api.create(friendly_name="Acme", default_template_sid="HJ" + "0" * 31 + "b")
    assert service.default_template_sid == "HJ" + "0" * 31 + "b"


def test_whatsapp_sender_must_be_the_accounts_and_in_the_service(sub, api, buy_number):
    number = buy_number(sub)
    service = api.create(friendly_name="Acme")
    pool = sub.client.messaging.v1.services.create(friendly_name="pool")
    send = api(service.sid).update
    assert error_of(lambda: send(whatsapp_msg_service_sid="MG" + "0" * 32)) == (400, 60200)
    assert error_of(
        lambda: send(whatsapp_msg_service_sid=pool.sid, whatsapp_from=number.phone_number)
    ) == (400, 60200)  # not a WhatsApp sender
    services.enable_whatsapp(number.phone_number)
    assert error_of(
        lambda: send(whatsapp_msg_service_sid=pool.sid, whatsapp_from=number.phone_number)
    ) == (400, 60200)  # not in the messaging service
    sub.client.messaging.v1.services(pool.sid).phone_numbers.create(phone_number_sid=number.sid)
    updated = send(whatsapp_msg_service_sid=pool.sid, whatsapp_from=number.phone_number)
    assert updated.whatsapp == {
        "msg_service_sid": pool.sid,
        "from": f"whatsapp:{number.phone_number}",
    }


def test_list_delete_and_isolation(api, make_subaccount):
    first = api.create(friendly_name="One")
    api.create(friendly_name="Two")
    assert [s.friendly_name for s in api.list()] == ["One", "Two"]
    other = make_subaccount("other").client.verify.v2.services
    assert other.list() == []
    assert error_of(lambda: other(first.sid).delete()) == (404, 20404)
    api(first.sid).delete()
    assert error_of(lambda: api(first.sid).fetch()) == (404, 20404)


def test_templates_catalogue(sub):
    templates = sub.client.verify.v2.templates.list()
    assert len(templates) == 4
    assert all(t.sid.startswith("HJ") for t in templates)
    [found] = sub.client.verify.v2.templates.list(friendly_name="do not share")
    assert found.channels == ["sms"]
    assert "{{code}}" in found.translations["en"]["text"]
