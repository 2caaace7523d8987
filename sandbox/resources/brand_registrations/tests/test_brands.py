"""Brands in the sandbox: decided once their bundles are, failing for the marker word, with
a trust score and vetting for standard brands."""

import pytest
from twilio.base.exceptions import TwilioRestException

from sandbox.resources.trusthub.policies import A2P_TRUST_PRODUCT
from sandbox.resources.trusthub.tests.contract import approved_bundles

pytestmark = pytest.mark.django_db


def create(client, profile, product, **kwargs):
    return client.messaging.v1.brand_registrations.create(
        customer_profile_bundle_sid=profile, a2p_profile_bundle_sid=product, **kwargs
    )


def test_a_standard_brand_is_approved_with_a_score_and_a_vetting(contract_ctx):
    profile, product = approved_bundles(contract_ctx, contract_ctx.sub, "Acme Coffee LLC")
    client = contract_ctx.sub.client
    brand = create(client, profile, product)
    assert (brand.status, brand.identity_status) == ("PENDING", "UNVERIFIED")
    contract_ctx.advance(30)
    brand = client.messaging.v1.brand_registrations(brand.sid).fetch()
    assert brand.status == "APPROVED" and 75 <= brand.brand_score < 95
    assert brand.identity_status == "VETTED_VERIFIED" and brand.tcr_id.startswith("B")
    vettings = client.messaging.v1.brand_registrations(brand.sid).brand_vettings.list()
    assert [(v.vetting_provider, v.vetting_status) for v in vettings] == [("aegis", "SUCCESS")]


def test_a_low_volume_brand_skips_vetting(contract_ctx):
    profile, product = approved_bundles(contract_ctx, contract_ctx.sub, "Tiny Shop LLC")
    client = contract_ctx.sub.client
    brand = create(client, profile, product, skip_automatic_sec_vet=True)
    contract_ctx.advance(30)
    brand = client.messaging.v1.brand_registrations(brand.sid).fetch()
    assert (brand.status, brand.brand_score, brand.identity_status) == (
        "APPROVED",
        None,
        "SELF_DECLARED",
    )


def test_the_marker_word_fails_the_brand_with_a_reason_and_it_can_be_resubmitted(contract_ctx):
    profile, product = approved_bundles(contract_ctx, contract_ctx.sub, "Mismatch Bakery LLC")
    client = contract_ctx.sub.client
    brand = create(client, profile, product)
    contract_ctx.advance(30)
    failed = client.messaging.v1.brand_registrations(brand.sid).fetch()
    assert failed.status == "FAILED" and failed.brand_feedback == ["TAX_ID"]
    assert "IRS" in failed.errors[0]["description"]
    assert "business_name" in failed.errors[0]["fields"]
    again = client.messaging.v1.brand_registrations(brand.sid).update()
    assert again.status == "PENDING"


def test_bundles_must_be_submitted_and_a_profile_has_one_brand(contract_ctx):
    client = contract_ctx.sub.client
    draft = client.trusthub.v1.trust_products.create(
        friendly_name="draft", email="isv@example.com", policy_sid=A2P_TRUST_PRODUCT
    )
    profile, product = approved_bundles(contract_ctx, contract_ctx.sub, "Acme LLC")
    with pytest.raises(TwilioRestException) as err:
        create(client, profile, draft.sid)
    assert err.value.code == 21702
    create(client, profile, product)
    with pytest.raises(TwilioRestException) as err:
        create(client, profile, product)
    assert err.value.code == 21703
