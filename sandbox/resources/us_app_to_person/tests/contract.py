"""Contract scenarios for A2P campaigns (see sandbox/tests/test_contract.py)."""

from sandbox.resources.trusthub.tests.contract import approved_bundles

PATH = "/v1/Services/{MessagingServiceSid}/Compliance/Usa2p"
SAMPLES = [
    "Acme Coffee: your order #12 is ready for pickup. Reply STOP to opt out.",
    "Acme Coffee: 20% off lattes today only. Reply STOP to opt out.",
]


def approved_brand(ctx, name: str = "Acme Coffee LLC") -> str:
    profile, product = approved_bundles(ctx, ctx.sub, business_name=name)
    brand = ctx.sub.client.messaging.v1.brand_registrations.create(
        customer_profile_bundle_sid=profile, a2p_profile_bundle_sid=product
    )
    ctx.advance(120)
    return brand.sid


def campaigns(ctx) -> None:
    client = ctx.sub.client
    brand = approved_brand(ctx)
    service = client.messaging.v1.services.create(friendly_name="acme")
    compliance = client.messaging.v1.services(service.sid)
    compliance.us_app_to_person_usecases.fetch(brand_registration_sid=brand)
    created = compliance.us_app_to_person.create(
        brand_registration_sid=brand,
        description="Acme Coffee sends order updates and offers to customers who opted in.",
        message_flow="Customers opt in by ticking an unchecked box on the Acme checkout form.",
        message_samples=SAMPLES,
        us_app_to_person_usecase="MIXED",
        has_embedded_links=False,
        has_embedded_phone=False,
        opt_out_keywords=["STOP"],
        opt_out_message="Acme Coffee: you are unsubscribed and will get no more messages.",
        help_keywords=["HELP"],
        help_message="Acme Coffee: for help call +14155550101. Reply STOP to opt out.",
    )
    compliance.us_app_to_person.list(limit=5)
    ctx.advance(120)
    compliance.us_app_to_person(created.sid).fetch()
    compliance.us_app_to_person(created.sid).update(
        has_embedded_links=False,
        has_embedded_phone=False,
        message_samples=SAMPLES,
        message_flow="Customers opt in by ticking an unchecked box on the Acme checkout form.",
        description="Acme Coffee sends order updates and offers to customers who opted in.",
        age_gated=False,
        direct_lending=False,
    )
    compliance.us_app_to_person(created.sid).delete()


SCENARIOS = {
    "campaigns": (
        {
            f"POST messaging:{PATH}",
            f"GET messaging:{PATH}",
            f"GET messaging:{PATH}/{{Sid}}",
            f"POST messaging:{PATH}/{{Sid}}",
            f"DELETE messaging:{PATH}/{{Sid}}",
            f"GET messaging:{PATH}/Usecases",
        },
        campaigns,
    ),
}
