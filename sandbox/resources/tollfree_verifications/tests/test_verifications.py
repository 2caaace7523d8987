"""Toll-free verifications in the sandbox: the review on the clock, rejections and the edit
window, and the carriers' rule for toll-free traffic (30032)."""

import pytest
from twilio.base.exceptions import TwilioRestException

from sandbox.resources.tollfree_verifications.tests.contract import verification_params

pytestmark = pytest.mark.django_db

HANDSET = "+16285550100"


def send(ctx, from_, to=HANDSET):
    message = ctx.sub.client.messages.create(to=to, from_=from_, body="Acme Coffee: hi")
    ctx.advance(5)
    return ctx.sub.client.messages(message.sid).fetch()


def create(ctx, number, **overrides):
    api = ctx.sub.client.messaging.v1.tollfree_verifications
    return api.create(**verification_params(number.sid, **overrides))


def test_unverified_toll_free_traffic_fails_with_30032_until_approved(contract_ctx):
    ctx = contract_ctx
    toll_free = ctx.buy_number(ctx.sub, area_code=833)
    failed = send(ctx, toll_free.phone_number)
    assert (failed.status, failed.error_code) == ("failed", 30032)
    assert send(ctx, toll_free.phone_number, to="+447700900123").status == "delivered"

    verification = create(ctx, toll_free)
    assert verification.status == "PENDING_REVIEW"
    assert verification.tollfree_phone_number == toll_free.phone_number
    assert send(ctx, toll_free.phone_number).error_code == 30032  # pending blocks too
    ctx.advance(5)
    api = ctx.sub.client.messaging.v1.tollfree_verifications
    assert api(verification.sid).fetch().status == "IN_REVIEW"
    ctx.advance(30)
    approved = api(verification.sid).fetch()
    assert (approved.status, approved.rejection_reasons, approved.error_code) == (
        "TWILIO_APPROVED",
        None,
        None,
    )
    assert send(ctx, toll_free.phone_number).status == "delivered"


def test_a_rejection_names_its_reasons_and_may_be_edited_within_seven_days(contract_ctx):
    ctx = contract_ctx
    toll_free = ctx.buy_number(ctx.sub, area_code=844)
    sample = "Acme: your order is ready https://bit.ly/x1 Reply STOP to opt out."
    verification = create(ctx, toll_free, production_message_sample=sample)
    ctx.advance(60)
    api = ctx.sub.client.messaging.v1.tollfree_verifications
    rejected = api(verification.sid).fetch()
    assert rejected.status == "TWILIO_REJECTED"
    assert rejected.error_code == 30449
    assert rejected.rejection_reasons[0]["code"] == 30449
    assert rejected.edit_allowed is True
    assert (rejected.edit_expiration - rejected.date_updated).days == 7
    assert send(ctx, toll_free.phone_number).error_code == 30032

    edited = api(verification.sid).update(
        production_message_sample="Acme: your order is ready. Reply STOP to opt out.",
        edit_reason="Sample fixed",
    )
    assert edited.status == "IN_REVIEW"
    ctx.advance(60)
    assert api(verification.sid).fetch().status == "TWILIO_APPROVED"


def test_the_edit_window_closes_after_seven_days_with_30824(contract_ctx):
    ctx = contract_ctx
    toll_free = ctx.buy_number(ctx.sub, area_code=855)
    verification = create(ctx, toll_free, business_name="Mismatch Coffee")
    ctx.advance(60 + 7 * 24 * 3600)
    api = ctx.sub.client.messaging.v1.tollfree_verifications
    with pytest.raises(TwilioRestException) as error:
        api(verification.sid).update(business_name="Acme Coffee LLC", edit_reason="Fixed")
    assert (error.value.status, error.value.code) == (400, 30824)
    # A new verification is the way back (the old one stays rejected).
    assert create(ctx, toll_free).status == "PENDING_REVIEW"


def test_disallowed_content_is_not_editable(contract_ctx):
    ctx = contract_ctx
    toll_free = ctx.buy_number(ctx.sub, area_code=866)
    verification = create(ctx, toll_free, use_case_summary="Crypto trading signals")
    ctx.advance(60)
    api = ctx.sub.client.messaging.v1.tollfree_verifications
    assert api(verification.sid).fetch().edit_allowed is False
    with pytest.raises(TwilioRestException) as error:
        api(verification.sid).update(use_case_summary="Order updates", edit_reason="Fixed")
    assert error.value.status == 400


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"business_type": None}, "BusinessType"),
        ({"business_registration_number": None}, "BusinessRegistrationNumber"),
        ({"opt_in_type": "SMOKE_SIGNAL"}, "OptInType"),
        ({"use_case_categories": ["GAMBLING"]}, "UseCaseCategories"),
    ],
)
def test_create_checks_the_fields_twilio_requires(contract_ctx, overrides, param):
    ctx = contract_ctx
    toll_free = ctx.buy_number(ctx.sub, area_code=877)
    params = {k: v for k, v in verification_params(toll_free.sid, **overrides).items() if v}
    with pytest.raises(TwilioRestException) as error:
        ctx.sub.client.messaging.v1.tollfree_verifications.create(**params)
    assert error.value.status == 400
    assert param in error.value.msg


def test_a_sole_proprietor_needs_no_registration_number(contract_ctx):
    ctx = contract_ctx
    toll_free = ctx.buy_number(ctx.sub, area_code=877)
    params = verification_params(toll_free.sid, business_type="SOLE_PROPRIETOR")
    for key in ("registration_number", "registration_authority", "registration_country"):
        params.pop(f"business_{key}")
    assert ctx.sub.client.messaging.v1.tollfree_verifications.create(**params).sid.startswith("HH")


def test_only_toll_free_numbers_of_the_account_and_one_open_verification_each(contract_ctx):
    ctx = contract_ctx
    api = ctx.sub.client.messaging.v1.tollfree_verifications
    local = ctx.buy_number(ctx.sub, area_code=415)
    with pytest.raises(TwilioRestException) as error:
        api.create(**verification_params(local.sid))
    assert error.value.status == 400
    other = ctx.make_subaccount("other")
    foreign = ctx.buy_number(other, area_code=888)
    with pytest.raises(TwilioRestException):
        api.create(**verification_params(foreign.sid))
    toll_free = ctx.buy_number(ctx.sub, area_code=888)
    created = create(ctx, toll_free)
    with pytest.raises(TwilioRestException):
        create(ctx, toll_free)
    with pytest.raises(TwilioRestException) as error:
        other.client.messaging.v1.tollfree_verifications(created.sid).fetch()
    assert error.value.status == 404


def test_deleting_the_verification_blocks_the_number_again(contract_ctx):
    ctx = contract_ctx
    assert send(ctx, ctx.number.phone_number).status == "delivered"
    api = ctx.sub.client.messaging.v1.tollfree_verifications
    (verification,) = api.list(tollfree_phone_number_sid=ctx.number.sid)
    api(verification.sid).delete()
    assert send(ctx, ctx.number.phone_number).error_code == 30032
