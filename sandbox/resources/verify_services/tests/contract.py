"""Contract scenarios for Verify services and templates (see sandbox/tests/test_contract.py)."""

from sandbox import services

PATH = "/v2/Services"


def verify_services(ctx) -> None:
    api = ctx.sub.client.verify.v2.services
    created = api.create(
        friendly_name="Acme Coffee",
        code_length=8,
        lookup_enabled=True,
        skip_sms_to_landlines=True,
        do_not_share_warning_enabled=True,
        custom_code_enabled=True,
        default_template_sid="HJ0000000000000000000000000000000a",
        totp_issuer="Acme",
        totp_time_step=30,
        totp_code_length=6,
        totp_skew=1,
        push_include_date=False,
        passkeys_relying_party_id="acme.example.com",
        passkeys_relying_party_name="Acme",
        passkeys_relying_party_origins="acme.example.com,www.acme.example.com",
        passkeys_user_verification="preferred",
        verify_event_subscription_enabled=True,
    )
    api.list(limit=5)
    api(created.sid).fetch()
    whatsapp = ctx.buy_number(ctx.sub, area_code=415)
    services.enable_whatsapp(whatsapp.phone_number, display_name="Acme Coffee")
    pool = ctx.sub.client.messaging.v1.services.create(friendly_name="Acme WhatsApp")
    ctx.sub.client.messaging.v1.services(pool.sid).phone_numbers.create(
        phone_number_sid=whatsapp.sid
    )
    api(created.sid).update(
        friendly_name="Acme Coffee Co",
        code_length=6,
        whatsapp_msg_service_sid=pool.sid,
        whatsapp_from=f"whatsapp:{whatsapp.phone_number}",
        tts_name="Acme",
        dtmf_input_required=False,
        psd2_enabled=False,
    )
    api(created.sid).delete()


def templates(ctx) -> None:
    api = ctx.sub.client.verify.v2.templates
    api.list(limit=10)
    api.list(friendly_name="do not share", page_size=1, limit=1)


SCENARIOS = {
    "services": (
        {
            f"POST verify:{PATH}",
            f"GET verify:{PATH}",
            f"GET verify:{PATH}/{{Sid}}",
            f"POST verify:{PATH}/{{Sid}}",
            f"DELETE verify:{PATH}/{{Sid}}",
        },
        verify_services,
    ),
    "templates": ({"GET verify:/v2/Templates"}, templates),
}
