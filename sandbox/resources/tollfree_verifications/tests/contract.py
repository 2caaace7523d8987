"""Contract scenarios for toll-free verifications (see sandbox/tests/test_contract.py)."""

PATH = "/v1/Tollfree/Verifications"


def verification_params(phone_number_sid: str, **overrides) -> dict:
    """The SDK's keyword arguments for a verification that the sandbox approves."""
    return {
        "business_name": "Acme Coffee LLC",
        "business_website": "https://acme-coffee.example.com",
        "notification_email": "compliance@acme-coffee.example.com",
        "use_case_categories": ["ACCOUNT_NOTIFICATIONS", "CUSTOMER_CARE"],
        "use_case_summary": "Acme Coffee texts order updates to customers who opted in.",
        "production_message_sample": "Acme Coffee: your order #12 is ready. Reply STOP to opt out.",
        "opt_in_image_urls": ["https://acme-coffee.example.com/opt-in.png"],
        "opt_in_type": "WEB_FORM",
        "message_volume": "1,000",
        "tollfree_phone_number_sid": phone_number_sid,
        "business_type": "PRIVATE_PROFIT",
        "business_registration_number": "12-3456789",
        "business_registration_authority": "EIN",
        "business_registration_country": "US",
        **overrides,
    }


def approve(ctx, tenant, number) -> str:
    """Verify a toll-free number through Twilio's review, as a sender must before US traffic."""
    verification = tenant.client.messaging.v1.tollfree_verifications.create(
        **verification_params(number.sid)
    )
    ctx.advance(60)
    return verification.sid


def verifications(ctx) -> None:
    api = ctx.sub.client.messaging.v1.tollfree_verifications
    toll_free = ctx.buy_number(ctx.sub, area_code=888)
    created = api.create(
        **verification_params(
            toll_free.sid, business_name="Mismatch Coffee", external_reference_id="tenant-1"
        )
    )
    api.list(external_reference_id="tenant-1", limit=5)
    ctx.advance(60)
    api(created.sid).fetch()
    api(created.sid).update(
        **{
            k: v
            for k, v in verification_params(toll_free.sid).items()
            if k != "tollfree_phone_number_sid"
        },
        edit_reason="Business name fixed",
    )
    api.list(status="IN_REVIEW", tollfree_phone_number_sid=toll_free.sid, limit=5)
    api(created.sid).delete()


SCENARIOS = {
    "tollfree_verifications": (
        {
            f"POST messaging:{PATH}",
            f"GET messaging:{PATH}",
            f"GET messaging:{PATH}/{{Sid}}",
            f"POST messaging:{PATH}/{{Sid}}",
            f"DELETE messaging:{PATH}/{{Sid}}",
        },
        verifications,
    ),
}
