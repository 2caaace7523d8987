"""Contract scenarios for verifications and checks (see sandbox/tests/test_contract.py)."""

from sandbox.testing import latest_verify_code

BASE = "/v2/Services/{ServiceSid}"


def verifications(ctx) -> None:
    service = ctx.sub.client.verify.v2.services.create(
        friendly_name="Acme Coffee", lookup_enabled=True, custom_code_enabled=True
    )
    api = ctx.sub.client.verify.v2.services(service.sid)
    sms = api.verifications.create(to="+14155550142", channel="sms", locale="es")
    api.verifications.create(
        to="+14155550142", channel="sms", tags='{"flow": "signup"}', risk_check="enable"
    )
    api.verifications(sms.sid).fetch()
    api.verifications("+14155550142").fetch()
    api.verification_checks.create(to="+14155550142", code="0000")
    api.verification_checks.create(verification_sid=sms.sid, code=latest_verify_code(sms.to))
    call = api.verifications.create(to="+14155550143", channel="call", send_digits="1w2")
    api.verifications(call.sid).update(status="canceled")
    api.verifications(call.sid).fetch()
    whatsapp = api.verifications.create(to="+5511987654321", channel="whatsapp")
    api.verifications(whatsapp.sid).update(status="approved")
    email = api.verifications.create(
        to="ana@example.com",
        channel="email",
        channel_configuration={"from": "hello@acme.example.com", "from_name": "Acme"},
    )
    api.verification_checks.create(to=email.to, code=latest_verify_code(email.to))
    custom = api.verifications.create(
        to="+14155550144",
        channel="sms",
        custom_code="A1B2C3",
        template_sid="HJ0000000000000000000000000000000d",
        app_hash="FA+9qCX9VSu",
        device_ip="203.0.113.7",
        custom_friendly_name="Acme Rewards",
    )
    api.verifications(custom.sid).update(status="canceled")


SCENARIOS = {
    "verifications": (
        {
            f"POST verify:{BASE}/Verifications",
            f"GET verify:{BASE}/Verifications/{{Sid}}",
            f"POST verify:{BASE}/Verifications/{{Sid}}",
            f"POST verify:{BASE}/VerificationCheck",
        },
        verifications,
    ),
}
