"""A sole proprietor's brand: the OTP reaches the owner's handset, YES verifies the brand,
24 hours of silence fail it (30752), and SmsOtp texts it again."""

import pytest
from twilio.base.exceptions import TwilioRestException

from sandbox import handsets
from sandbox.resources.brand_registrations.otp import OTP_SENDER
from sandbox.resources.trusthub.tests.contract import REPRESENTATIVE, approved_bundles

pytestmark = pytest.mark.django_db
OWNER = REPRESENTATIVE["phone_number"]


def otp_texts() -> list[dict]:
    return [m for m in handsets.messages_received(OWNER) if m["from"] == OTP_SENDER]


def approved_sole_prop_brand(ctx):
    profile, product = approved_bundles(ctx, ctx.sub, "Dana Doe Crafts")
    brands = ctx.sub.client.messaging.v1.brand_registrations
    brand = brands.create(
        customer_profile_bundle_sid=profile,
        a2p_profile_bundle_sid=product,
        brand_type="SOLE_PROPRIETOR",
    )
    ctx.advance(30)
    return brands(brand.sid)


def test_the_otp_reaches_the_owner_and_yes_verifies_the_brand(contract_ctx):
    brand = approved_sole_prop_brand(contract_ctx)
    fetched = brand.fetch()
    assert (fetched.status, fetched.identity_status) == ("APPROVED", "UNVERIFIED")
    [text] = otp_texts()
    assert "reply YES" in text["body"] and text["status"] == "delivered"
    assert OTP_SENDER in [n["phone_number"] for n in handsets.platform_numbers()]

    reply = handsets.send_from_handset(OWNER, OTP_SENDER, "yes")
    assert reply["direction"] == "inbound" and reply["to"] == OTP_SENDER
    assert brand.fetch().identity_status == "VERIFIED"
    contract_ctx.advance(25 * 3600)
    assert (brand.fetch().status, brand.fetch().identity_status) == ("APPROVED", "VERIFIED")


def test_another_reply_does_not_verify_and_silence_fails_the_brand_after_24_hours(contract_ctx):
    brand = approved_sole_prop_brand(contract_ctx)
    handsets.send_from_handset(OWNER, OTP_SENDER, "who is this?")
    contract_ctx.advance(23 * 3600)
    assert (brand.fetch().status, brand.fetch().identity_status) == ("APPROVED", "UNVERIFIED")
    contract_ctx.advance(3600)
    failed = brand.fetch()
    assert (failed.status, failed.identity_status) == ("FAILED", "UNVERIFIED")
    assert failed.errors[0]["code"] == 30752
    handsets.send_from_handset(OWNER, OTP_SENDER, "YES")
    assert brand.fetch().status == "FAILED"


def test_sms_otp_resends_with_a_new_24_hours(contract_ctx):
    brand = approved_sole_prop_brand(contract_ctx)
    contract_ctx.advance(20 * 3600)
    resent = brand.brand_registration_otps.create()
    assert resent.brand_registration_sid == brand.fetch().sid
    assert resent.account_sid == contract_ctx.sub.sid
    assert len(otp_texts()) == 2
    contract_ctx.advance(20 * 3600)
    handsets.send_from_handset(OWNER, OTP_SENDER, "YES")
    assert (brand.fetch().status, brand.fetch().identity_status) == ("APPROVED", "VERIFIED")
    with pytest.raises(TwilioRestException) as err:
        brand.brand_registration_otps.create()
    assert err.value.status == 400


def test_a_standard_brand_has_no_otp(contract_ctx):
    profile, product = approved_bundles(contract_ctx, contract_ctx.sub, "Acme Coffee LLC")
    brands = contract_ctx.sub.client.messaging.v1.brand_registrations
    brand = brands.create(customer_profile_bundle_sid=profile, a2p_profile_bundle_sid=product)
    contract_ctx.advance(30)
    assert otp_texts() == []
    with pytest.raises(TwilioRestException) as err:
        brands(brand.sid).brand_registration_otps.create()
    assert err.value.status == 400
    with pytest.raises(handsets.InboundError):
        handsets.send_from_handset(OWNER, OTP_SENDER, "YES")
