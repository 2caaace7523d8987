"""Campaigns in the sandbox, and the carriers' rule for US 10DLC traffic (30034)."""

import pytest
from twilio.base.exceptions import TwilioRestException

from sandbox.resources.messaging_services.models import MessagingService
from sandbox.resources.us_app_to_person.tests.contract import SAMPLES, approved_brand

pytestmark = pytest.mark.django_db

HANDSET = "+16285550100"


def register(ctx, service_sid, brand_sid, **overrides):
    params = {
        "brand_registration_sid": brand_sid,
        "description": "Acme Coffee sends order updates and offers to customers who opted in.",
        "message_flow": "Customers opt in by ticking an unchecked box on the Acme checkout form.",
        "message_samples": SAMPLES,
        "us_app_to_person_usecase": "MIXED",
        "has_embedded_links": False,
        "has_embedded_phone": False,
        **overrides,
    }
    return ctx.sub.client.messaging.v1.services(service_sid).us_app_to_person.create(**params)


def send(ctx, from_, to=HANDSET):
    message = ctx.sub.client.messages.create(to=to, from_=from_, body="Acme Coffee: hi")
    ctx.advance(5)
    return ctx.sub.client.messages(message.sid).fetch()


def test_unregistered_10dlc_traffic_fails_with_30034_until_a_campaign_is_verified(contract_ctx):
    ctx = contract_ctx
    local = ctx.buy_number(ctx.sub, area_code=415)
    failed = send(ctx, local.phone_number)
    assert (failed.status, failed.error_code) == ("failed", 30034)
    assert send(ctx, local.phone_number, to="+447700900123").status == "delivered"
    assert send(ctx, ctx.number.phone_number).status == "delivered"  # toll-free: not 10DLC

    brand = approved_brand(ctx)
    service = ctx.sub.client.messaging.v1.services.create(friendly_name="acme")
    ctx.sub.client.messaging.v1.services(service.sid).phone_numbers.create(
        phone_number_sid=local.sid
    )
    campaign = register(ctx, service.sid, brand)
    assert campaign.campaign_status == "PENDING"
    assert send(ctx, local.phone_number).error_code == 30034  # pending is not enough
    ctx.advance(40)
    verified = (
        ctx.sub.client.messaging.v1.services(service.sid).us_app_to_person(campaign.sid).fetch()
    )
    assert verified.campaign_status == "VERIFIED" and verified.campaign_id.startswith("C")
    assert MessagingService.objects.get(sid=service.sid).us_app_to_person_registered
    delivered = send(ctx, local.phone_number)
    assert (delivered.status, delivered.error_code) == ("delivered", None)


def test_a_campaign_needs_an_approved_brand_and_a_service_holds_one(contract_ctx):
    ctx = contract_ctx
    service = ctx.sub.client.messaging.v1.services.create(friendly_name="acme")
    brand = approved_brand(ctx)
    with pytest.raises(TwilioRestException) as err:
        register(ctx, service.sid, brand, message_samples=["too short", "also short"])
    assert err.value.code == 21709
    with pytest.raises(TwilioRestException) as err:
        register(ctx, service.sid, brand, us_app_to_person_usecase="SOLE_PROPRIETOR")
    assert err.value.code == 21714
    register(ctx, service.sid, brand)
    with pytest.raises(TwilioRestException) as err:
        register(ctx, service.sid, brand)
    assert err.value.status == 409


def test_the_marker_word_fails_a_campaign(contract_ctx):
    ctx = contract_ctx
    service = ctx.sub.client.messaging.v1.services.create(friendly_name="acme")
    campaign = register(
        ctx,
        service.sid,
        approved_brand(ctx),
        description="Mismatch: Acme Coffee sends order updates to customers who opted in.",
    )
    ctx.advance(40)
    failed = (
        ctx.sub.client.messaging.v1.services(service.sid).us_app_to_person(campaign.sid).fetch()
    )
    assert failed.campaign_status == "FAILED"
    assert "does not match" in failed.errors[0]["description"]
