"""TrustHub in the sandbox: evaluations report what is missing or invalid as Twilio does,
reviews move on the clock, rejections say why, and accounts stay apart."""

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from sandbox.resources.trusthub.policies import PRIMARY_PROFILE, SECONDARY_PROFILE
from sandbox.resources.trusthub.tests.contract import (
    REPRESENTATIVE,
    build_profile,
    business_info,
)

pytestmark = pytest.mark.django_db


def test_an_evaluation_names_missing_and_invalid_fields(sub):
    trusthub = sub.client.trusthub.v1
    profile = trusthub.customer_profiles.create(
        friendly_name="p", email="isv@example.com", policy_sid=SECONDARY_PROFILE
    )
    info = trusthub.end_users.create(
        friendly_name="info",
        type="customer_profile_business_information",
        attributes={**business_info("Acme LLC"), "business_registration_number": "12-34"},
    )
    rep = trusthub.end_users.create(
        friendly_name="rep",
        type="authorized_representative_1",
        attributes={**REPRESENTATIVE, "phone_number": "4155550100", "email": ""},
    )
    for sid in (info.sid, rep.sid):
        trusthub.customer_profiles(profile.sid).customer_profiles_entity_assignments.create(
            object_sid=sid
        )
    evaluation = trusthub.customer_profiles(profile.sid).customer_profiles_evaluations.create(
        policy_sid=SECONDARY_PROFILE
    )
    assert evaluation.status == "noncompliant"
    results = {r["requirement_name"]: r for r in evaluation.results}
    ein = results["business_information"]["invalid"]
    assert [(i["object_field"], i["error_code"]) for i in ein] == [
        ("business_registration_number", 22216)
    ]
    rep_fields = {
        i["object_field"]: i["error_code"]
        for i in results["authorized_representative_1"]["invalid"]
    }
    assert rep_fields == {"email": 22215, "phone_number": 22216}
    assert results["customer_profile_address"]["error_code"] == 22214
    assert results["primary_customer_profile"]["passed"] is False

    with pytest.raises(TwilioRestException) as err:
        trusthub.customer_profiles(profile.sid).update(status="pending-review")
    assert err.value.status == 400 and err.value.code == 22215


def test_a_review_moves_on_the_clock_and_calls_back(master, sub, advance, hook_url, hooks):
    primary = build_profile(master.client, master.sid, PRIMARY_PROFILE, "ISV LLC")
    assert master.client.trusthub.v1.customer_profiles(primary).fetch().status == "pending-review"
    advance(5)
    assert master.client.trusthub.v1.customer_profiles(primary).fetch().status == "in-review"
    advance(30)
    assert master.client.trusthub.v1.customer_profiles(primary).fetch().status == "twilio-approved"

    profile = build_profile(
        sub.client, sub.sid, SECONDARY_PROFILE, "Unverifiable Widgets LLC", extra=(primary,)
    )
    sub.client.trusthub.v1.customer_profiles(profile).update(status_callback=hook_url("th"))
    advance(40)
    rejected = sub.client.trusthub.v1.customer_profiles(profile).fetch()
    assert rejected.status == "twilio-rejected"
    assert "could not be verified" in rejected.errors[0]["message"]
    hits = hooks.named("th")
    assert [h.params["Status"][0] for h in hits] == ["in-review", "twilio-rejected"]
    validator = RequestValidator(sub.token)
    assert all(validator.validate(h.url, h.params_for_validation(), h.signature) for h in hits)


def test_accounts_cannot_see_each_others_bundles(sub, make_subaccount):
    other = make_subaccount("other")
    profile = sub.client.trusthub.v1.customer_profiles.create(
        friendly_name="mine", email="isv@example.com", policy_sid=SECONDARY_PROFILE
    )
    with pytest.raises(TwilioRestException) as err:
        other.client.trusthub.v1.customer_profiles(profile.sid).fetch()
    assert err.value.status == 404
    assert other.client.trusthub.v1.customer_profiles.list() == []
