"""Each channel delivers the code where the person reads it, worded in the locale."""

import pytest

from sandbox import handsets, services
from sandbox.testing import error_of, latest_verify_code, verify_emails


@pytest.fixture
def verify(sub):
    service = sub.client.verify.v2.services.create(friendly_name="Acme Coffee")
    return sub.client.verify.v2.services(service.sid)


@pytest.mark.parametrize(
    ("locale", "wording"),
    [
        ("en", "Your Acme Coffee verification code is: {code}"),
        ("es", "Tu código de verificación de Acme Coffee es: {code}"),
        ("fr", "Votre code de vérification Acme Coffee est : {code}"),
        ("de", "Ihr Acme Coffee-Verifizierungscode lautet: {code}"),
        ("pt-BR", "Seu código de verificação do Acme Coffee é: {code}"),
    ],
)
def test_sms_in_the_locale(verify, locale, wording):
    verify.verifications.create(to="+14155550101", channel="sms", locale=locale)
    [text] = handsets.messages_received("+14155550101")
    assert text["body"] == wording.format(code=latest_verify_code("+14155550101"))
    assert text["from"] == "26821"


def test_the_locale_follows_the_country_and_unknown_ones_are_refused(verify):
    verify.verifications.create(to="+5511987654321", channel="sms")
    assert handsets.messages_received("+5511987654321")[0]["body"].startswith("Seu código")
    assert error_of(
        lambda: verify.verifications.create(to="+14155550101", channel="sms", locale="xx")
    ) == (400, 60200)


def test_a_supported_locale_without_wording_falls_back_to_english(verify):
    verify.verifications.create(to="+14155550101", channel="sms", locale="ja")
    assert handsets.messages_received("+14155550101")[0]["body"].startswith("Your Acme Coffee")


def test_do_not_share_warning(sub):
    service = sub.client.verify.v2.services.create(
        friendly_name="Acme", do_not_share_warning_enabled=True
    )
    sub.client.verify.v2.services(service.sid).verifications.create(
        to="+14155550101", channel="sms"
    )
    body = handsets.messages_received("+14155550101")[0]["body"]
    assert body.endswith(
        "Don't share this code with anyone; our employees will never ask for the code."
    )


def test_whatsapp_from_twilio_or_the_services_sender(sub, verify, buy_number):
    verify.verifications.create(to="+14155550102", channel="whatsapp")
    [message] = handsets.messages_received("+14155550102")
    code = latest_verify_code("+14155550102")
    assert message["channel"] == "whatsapp" and message["to"] == "whatsapp:+14155550102"
    assert message["body"].startswith(f"*{code}* is your Acme Coffee verification code")
    number = buy_number(sub)
    services.enable_whatsapp(number.phone_number)
    pool = sub.client.messaging.v1.services.create(friendly_name="pool")
    sub.client.messaging.v1.services(pool.sid).phone_numbers.create(phone_number_sid=number.sid)
    own = sub.client.verify.v2.services.create(
        friendly_name="Own",
        whatsapp_msg_service_sid=pool.sid,
        whatsapp_from=f"whatsapp:{number.phone_number}",
    )
    sub.client.verify.v2.services(own.sid).verifications.create(
        to="+14155550103", channel="whatsapp"
    )
    assert (
        handsets.messages_received("+14155550103")[0]["from"] == f"whatsapp:{number.phone_number}"
    )


def test_a_call_speaks_the_code_on_the_handset(verify):
    verify.verifications.create(to="+14155550104", channel="call", locale="fr")
    [call] = handsets.conversation("+14155550104")
    code = latest_verify_code("+14155550104")
    assert call["channel"] == "call"
    assert ", ".join(code) in call["body"] and call["body"].startswith("Votre code")


def test_email_lands_in_the_mailbox(verify):
    started = verify.verifications.create(
        to="Ana@Example.com",
        channel="email",
        channel_configuration={"from": "hello@acme.example.com", "from_name": "Acme"},
    )
    assert started.to == "ana@example.com"
    [mail] = verify_emails("ana@example.com")
    code = latest_verify_code("ana@example.com")
    assert mail["subject"] == "Acme Coffee verification code"
    assert code in mail["body"] and mail["from"] == "Acme <hello@acme.example.com>"
    assert verify.verification_checks.create(to="ana@example.com", code=code).status == "approved"


def test_custom_codes_need_the_service_flag(sub, verify):
    assert error_of(
        lambda: verify.verifications.create(to="+14155550105", channel="sms", custom_code="4242")
    ) == (400, 60200)
    service = sub.client.verify.v2.services.create(friendly_name="Acme", custom_code_enabled=True)
    own = sub.client.verify.v2.services(service.sid)
    own.verifications.create(to="+14155550105", channel="sms", custom_code="4242")
    assert latest_verify_code("+14155550105") == "4242"


def test_templates_and_their_channel_rules(verify):
    verify.verifications.create(
        to="+14155550106",
        channel="sms",
        template_sid="HJ0000000000000000000000000000000d",
        custom_friendly_name="Acme Rewards",
        app_hash="FA+9qCX9VSu",
    )
    body = handsets.messages_received("+14155550106")[0]["body"]
    code = latest_verify_code("+14155550106")
    assert body == f"{code} is your Acme Rewards login code.\n\nFA+9qCX9VSu"
    create = verify.verifications.create
    template = "HJ0000000000000000000000000000000d"
    assert error_of(lambda: create(to="a@b.co", channel="email", template_sid=template)) == (
        400,
        60408,
    )
    assert error_of(lambda: create(to="a@b.co", channel="email", app_hash="x")) == (400, 60602)
    assert error_of(lambda: create(to="+14155550107", channel="call", template_sid=template)) == (
        400,
        60228,
    )


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"to": "4155550101", "channel": "sms"}, 60200),
        ({"to": "+14155550101", "channel": "fax"}, 60200),
        ({"to": "not-an-email", "channel": "email"}, 60200),
        ({"to": "+14155550101", "channel": "sna"}, 60223),
        ({"to": "+14155550101", "channel": "sms", "tags": "[1]"}, 60200),
        ({"to": "+14155550101", "channel": "sms", "device_ip": "1.2.3"}, 60200),
        ({"to": "+14155550101", "channel": "sms", "custom_message": "Code {{code}}"}, 60409),
        ({"to": "+14155550101", "channel": "sms", "rate_limits": {"end_user_ip": "1"}}, 60200),
        ({"to": "+14155550101", "channel": "sms", "amount": "10"}, 60200),
        ({"to": "+14155550101", "channel": "sms", "custom_friendly_name": "Win 12345"}, 60200),
    ],
)
def test_invalid_parameters(verify, params, code):
    assert error_of(lambda: verify.verifications.create(**params)) == (400, code)


def test_auto_falls_back_to_sms(verify):
    assert verify.verifications.create(to="+14155550108", channel="auto").channel == "sms"


def test_lookup_when_enabled(sub):
    service = sub.client.verify.v2.services.create(friendly_name="Acme", lookup_enabled=True)
    started = sub.client.verify.v2.services(service.sid).verifications.create(
        to="+14155550109", channel="sms"
    )
    assert started.lookup["carrier"]["type"] == "mobile"
