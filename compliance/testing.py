"""Helpers for tests that need a tenant registered for A2P 10DLC through the sandbox.

`verify_toll_free(tenant, number)` does the same for a toll-free number: a valid toll-free
verification approved on the sandbox clock (the gate and the carriers' 30032 rule).

`register_and_verify(tenant)` submits a valid registration and drives it to a verified
campaign on the sandbox clock, so the platform's gate and the sandbox's carrier rule (30034)
both let the tenant's US SMS through, exactly as after a real registration.
"""

from typing import Any

from compliance import pacing
from compliance.demo import awaits_owner_otp, drive_in_sandbox, drive_tollfree_in_sandbox
from compliance.models import Registration, TollFreeVerification
from compliance.selectors import FORM_TO_PROFILE, form_initial
from compliance.services import (
    otp_mobile,
    poll_object,
    registration_submit,
    suggested_use_case,
    tollfree_submit,
)
from provisioning.models import PhoneNumber
from tenants.models import BusinessProfile, Tenant
from tenants.services import Actor

VALID_BUSINESS = {
    "legal_name": "Acme Coffee Roasters LLC",
    "dba_name": "Acme Coffee",
    "business_type": "llc",
    "company_type": "private",
    "industry": "RETAIL",
    "ein": "12-3456789",
    "website": "https://acme-coffee.example.com",
    "regions_of_operation": "USA_AND_CANADA",
    "address_street": "1 Market St",
    "address_city": "San Francisco",
    "address_region": "CA",
    "address_postal_code": "94105",
    "address_country": "US",
    "rep_first_name": "Dana",
    "rep_last_name": "Doe",
    "rep_email": "dana@acme-coffee.example.com",
    "rep_phone": "+14155550100",
    "rep_business_title": "Owner",
    "rep_job_position": "CEO",
    "contact_email": "hello@acme-coffee.example.com",
    "contact_phone": "+14155550101",
    "brand_type": "STANDARD",
}
VALID_CAMPAIGN = {
    "use_case": "MIXED",
    "description": "Acme Coffee sends order-ready notices and weekly offers to customers "
    "who signed up at checkout.",
    "message_flow": "Customers opt in on the Acme Coffee checkout page by ticking an unchecked "
    "box: 'I agree to receive order updates and promotional texts from Acme Coffee. Msg & data "
    "rates may apply. Reply STOP to opt out.' They can also text JOIN to our number.",
    "sample_messages": [
        "Acme Coffee: your order #1042 is ready for pickup. Reply STOP to opt out.",
        "Acme Coffee: 20% off any latte this week, show this text at checkout. Reply STOP to "
        "opt out.",
    ],
    "opt_in_keywords": ["START", "JOIN"],
    "opt_in_message": "Acme Coffee: you're subscribed to order updates and offers, up to 4 "
    "msgs/week. Msg & data rates may apply. Reply HELP for help, STOP to opt out.",
    "opt_out_keywords": ["STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"],
    "opt_out_message": "Acme Coffee: you are unsubscribed and will receive no more messages.",
    "help_keywords": ["HELP", "INFO"],
    "help_message": "Acme Coffee: for help email hello@acme-coffee.example.com or call "
    "+14155550101. Reply STOP to opt out.",
    "has_embedded_links": False,
    "has_embedded_phone": False,
    "age_gated": False,
    "direct_lending": False,
    "privacy_policy_url": "",
    "terms_url": "",
}


def valid_submission(**overrides: Any) -> dict[str, Any]:
    """A submission that passes every pre-flight rule (override any field)."""
    return {**VALID_BUSINESS, **VALID_CAMPAIGN, **overrides}


def submission_for(tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    """The tenant's pre-filled form with valid values wherever its profile is empty."""
    data = form_initial(tenant)
    merged = {**valid_submission(), **{k: v for k, v in data.items() if v not in ("", [], None)}}
    return {**merged, **overrides}


def reply_to_otp(registration: Registration, body: str = "YES") -> None:
    """The owner answers the sole-proprietor OTP text from the handset simulator."""
    from sandbox import handsets
    from sandbox.resources.brand_registrations.otp import OTP_SENDER

    handsets.send_from_handset(otp_mobile(registration), OTP_SENDER, body)


def register_and_verify(tenant: Tenant, **overrides: Any) -> Registration:
    """Submit a valid registration for a tenant with an active subaccount, and drive it to a
    verified campaign (or to rejection, when `overrides` carry a sandbox failure marker);
    a sole proprietor's owner replies YES to the OTP text on the way."""
    with pacing.unpaced():
        registration = registration_submit(
            tenant=tenant, data=valid_submission(**overrides), actor=Actor.system()
        )
        registration = drive_in_sandbox(registration)
        if registration.is_open and awaits_owner_otp(registration):
            reply_to_otp(registration)
            poll_object("brand", str(registration.brand_id), force=True)
            registration = drive_in_sandbox(registration)
        return registration


def complete_profile(tenant: Tenant) -> BusinessProfile:
    """Fill the empty fields of the tenant's business profile with valid business facts."""
    profile, _ = BusinessProfile.objects.get_or_create(
        tenant=tenant, defaults={"legal_name": VALID_BUSINESS["legal_name"]}
    )
    changed = []
    for form_field, profile_field in FORM_TO_PROFILE.items():
        if not getattr(profile, profile_field) and VALID_BUSINESS.get(form_field):
            value = VALID_BUSINESS[form_field]
            setattr(profile, profile_field, value)
            changed.append(profile_field)
    if changed:
        profile.save(update_fields=[*changed, "updated_at"])
    return profile


def submit_toll_free(tenant: Tenant, number: PhoneNumber, **overrides: Any) -> TollFreeVerification:
    """Submit a valid verification of the number (override any use-case field)."""
    complete_profile(tenant)
    return tollfree_submit(
        tenant=tenant,
        actor=Actor.system(),
        phone_number=number,
        data=suggested_use_case(tenant, **overrides),
    )


def verify_toll_free(tenant: Tenant, number: PhoneNumber, **overrides: Any) -> TollFreeVerification:
    """Verify a toll-free number of a tenant with an active subaccount through the sandbox's
    review (or to rejection, when `overrides` carry a sandbox rejection marker)."""
    with pacing.unpaced():
        return drive_tollfree_in_sandbox(submit_toll_free(tenant, number, **overrides))
