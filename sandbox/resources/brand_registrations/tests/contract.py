"""Contract scenarios for BrandRegistrations and Vettings (sandbox/tests/test_contract.py)."""

from sandbox.resources.trusthub.tests.contract import approved_bundles

BRANDS = "/v1/a2p/BrandRegistrations"


def brands(ctx) -> None:
    client = ctx.sub.client
    profile, product = approved_bundles(ctx, ctx.sub, business_name="Contract Coffee LLC")
    brand = client.messaging.v1.brand_registrations.create(
        customer_profile_bundle_sid=profile, a2p_profile_bundle_sid=product, brand_type="STANDARD"
    )
    client.messaging.v1.brand_registrations.list(limit=5)
    ctx.advance(120)
    client.messaging.v1.brand_registrations(brand.sid).fetch()
    vettings = client.messaging.v1.brand_registrations(brand.sid).brand_vettings
    created = vettings.create(vetting_provider="campaign-verify", vetting_id="cv|1.0|tcr|10dlc|x")
    vettings.list(vetting_provider="aegis")
    vettings(created.brand_vetting_sid).fetch()


def resubmit(ctx) -> None:
    client = ctx.sub.client
    profile, product = approved_bundles(ctx, ctx.sub, business_name="Mismatch Bakery LLC")
    brand = client.messaging.v1.brand_registrations.create(
        customer_profile_bundle_sid=profile, a2p_profile_bundle_sid=product
    )
    ctx.advance(120)
    client.messaging.v1.brand_registrations(brand.sid).update()


def sms_otp(ctx) -> None:
    client = ctx.sub.client
    profile, product = approved_bundles(ctx, ctx.sub, business_name="Dana Doe Crafts")
    brand = client.messaging.v1.brand_registrations.create(
        customer_profile_bundle_sid=profile,
        a2p_profile_bundle_sid=product,
        brand_type="SOLE_PROPRIETOR",
    )
    ctx.advance(120)
    client.messaging.v1.brand_registrations(brand.sid).brand_registration_otps.create()


SCENARIOS = {
    "brands": (
        {
            f"POST messaging:{BRANDS}",
            f"GET messaging:{BRANDS}",
            f"GET messaging:{BRANDS}/{{Sid}}",
            f"POST messaging:{BRANDS}/{{BrandSid}}/Vettings",
            f"GET messaging:{BRANDS}/{{BrandSid}}/Vettings",
            f"GET messaging:{BRANDS}/{{BrandSid}}/Vettings/{{BrandVettingSid}}",
        },
        brands,
    ),
    "resubmit": ({f"POST messaging:{BRANDS}/{{Sid}}"}, resubmit),
    "sms_otp": ({f"POST messaging:{BRANDS}/{{BrandRegistrationSid}}/SmsOtp"}, sms_otp),
}
