"""A2P 10DLC: brand registrations, their vettings and campaigns (UsAppToPerson).

Like TrustHub, these act for the account whose client is passed: the tenant's subaccount.
"""

import json
from collections.abc import Sequence
from typing import Any

from twilio.rest import Client
from twilio.rest.messaging.v1.service.us_app_to_person import UsAppToPersonInstance

from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import BrandRegistration, BrandVetting, UsAppToPerson


def _brand(instance: Any) -> BrandRegistration:
    return BrandRegistration(
        sid=instance.sid,
        status=str(instance.status or ""),
        brand_type=instance.brand_type or "",
        customer_profile_bundle_sid=instance.customer_profile_bundle_sid or "",
        a2p_profile_bundle_sid=instance.a2p_profile_bundle_sid or "",
        tcr_id=instance.tcr_id,
        failure_reason=instance.failure_reason,
        errors=tuple(instance.errors or ()),
        brand_score=instance.brand_score,
        identity_status=str(instance.identity_status) if instance.identity_status else None,
        brand_feedback=tuple(str(f) for f in instance.brand_feedback or ()),
        date_updated=instance.date_updated,
    )


@translate_errors()
def create_brand_registration(
    client: Client,
    *,
    customer_profile_sid: str,
    trust_product_sid: str,
    brand_type: str = "STANDARD",
    skip_automatic_sec_vet: bool | None = None,
) -> BrandRegistration:
    """Register the brand with the carriers (it starts PENDING)."""
    return _brand(
        client.messaging.v1.brand_registrations.create(
            customer_profile_bundle_sid=customer_profile_sid,
            a2p_profile_bundle_sid=trust_product_sid,
            brand_type=brand_type,
            skip_automatic_sec_vet=skip_automatic_sec_vet,
        )
    )


@translate_errors()
def fetch_brand_registration(client: Client, sid: str) -> BrandRegistration:
    return _brand(client.messaging.v1.brand_registrations(sid).fetch())


@translate_errors()
def list_brand_registrations(client: Client) -> list[BrandRegistration]:
    return [_brand(i) for i in client.messaging.v1.brand_registrations.list(page_size=100)]


@translate_errors()
def resend_brand_otp(client: Client, brand_sid: str) -> None:
    """Have Twilio text a sole proprietor's brand OTP again (the owner replies YES to it)."""
    client.messaging.v1.brand_registrations(brand_sid).brand_registration_otps.create()


@translate_errors()
def list_brand_vettings(client: Client, brand_sid: str) -> list[BrandVetting]:
    """The brand's vettings (secondary vetting sets a standard brand's trust score)."""
    # The spec lists no PageSize for vettings (a brand has a handful), so none is sent.
    found = client.messaging.v1.brand_registrations(brand_sid).brand_vettings.list()
    return [
        BrandVetting(
            sid=i.brand_vetting_sid or "",
            status=i.vetting_status or "",
            vetting_class=i.vetting_class,
            provider=str(i.vetting_provider) if i.vetting_provider else None,
            date_updated=i.date_updated,
        )
        for i in found
    ]


def _campaign(instance: Any, service_sid: str) -> UsAppToPerson:
    return UsAppToPerson(
        sid=instance.sid,
        messaging_service_sid=instance.messaging_service_sid or service_sid,
        brand_registration_sid=instance.brand_registration_sid or "",
        status=instance.campaign_status or "",
        use_case=instance.us_app_to_person_usecase or "",
        campaign_id=instance.campaign_id,
        errors=tuple(instance.errors or ()),
        rate_limits=dict(instance.rate_limits or {}),
    )


# The SDK's `UsAppToPersonList.create()` predates the PrivacyPolicyUrl and TermsAndConditionsUrl
# parameters the API now takes, so the campaign form is posted with `Client.request`, the SDK's
# documented lower-level call, and Twilio's answer is read into the SDK's own instance.
CAMPAIGNS_PATH = "/Services/{service_sid}/Compliance/Usa2p"


def _flag(value: bool | None) -> str | None:
    """Twilio's form spelling of a boolean; None leaves the parameter out."""
    return None if value is None else ("true" if value else "false")


def _post_campaign(client: Client, service_sid: str, form: dict[str, Any]) -> UsAppToPerson:
    """POST the form (`Client.request` drops None values) and read the created campaign."""
    version = client.messaging.v1
    path = CAMPAIGNS_PATH.format(service_sid=service_sid)
    response = client.request(
        "POST", version.absolute_url(path), data=form, headers={"Accept": "application/json"}
    )
    if not 200 <= response.status_code < 300:
        raise version.exception("POST", path, response, "Unable to create record")
    payload = json.loads(response.text)
    instance = UsAppToPersonInstance(version, payload, messaging_service_sid=service_sid)
    return _campaign(instance, service_sid)


@translate_errors()
def create_a2p_campaign(
    client: Client,
    service_sid: str,
    *,
    brand_sid: str,
    use_case: str,
    description: str,
    message_flow: str,
    message_samples: Sequence[str],
    has_embedded_links: bool,
    has_embedded_phone: bool,
    opt_in_message: str | None = None,
    opt_out_message: str | None = None,
    help_message: str | None = None,
    opt_in_keywords: Sequence[str] = (),
    opt_out_keywords: Sequence[str] = (),
    help_keywords: Sequence[str] = (),
    subscriber_opt_in: bool | None = None,
    age_gated: bool = False,
    direct_lending: bool = False,
    privacy_policy_url: str | None = None,
    terms_and_conditions_url: str | None = None,
) -> UsAppToPerson:
    """Register the campaign on the service; it starts pending the carriers' review."""
    form = {
        "BrandRegistrationSid": brand_sid,
        "Description": description,
        "MessageFlow": message_flow,
        "MessageSamples": list(message_samples),
        "UsAppToPersonUsecase": use_case,
        "HasEmbeddedLinks": _flag(has_embedded_links),
        "HasEmbeddedPhone": _flag(has_embedded_phone),
        "OptInMessage": opt_in_message or None,
        "OptOutMessage": opt_out_message or None,
        "HelpMessage": help_message or None,
        "OptInKeywords": list(opt_in_keywords) or None,
        "OptOutKeywords": list(opt_out_keywords) or None,
        "HelpKeywords": list(help_keywords) or None,
        "SubscriberOptIn": _flag(subscriber_opt_in),
        "AgeGated": _flag(age_gated),
        "DirectLending": _flag(direct_lending),
        "PrivacyPolicyUrl": privacy_policy_url or None,
        "TermsAndConditionsUrl": terms_and_conditions_url or None,
    }
    return _post_campaign(client, service_sid, form)


@translate_errors()
def fetch_a2p_campaign(client: Client, service_sid: str, sid: str) -> UsAppToPerson:
    instance = client.messaging.v1.services(service_sid).us_app_to_person(sid).fetch()
    return _campaign(instance, service_sid)


@translate_errors()
def list_a2p_campaigns(client: Client, service_sid: str) -> list[UsAppToPerson]:
    found = client.messaging.v1.services(service_sid).us_app_to_person.list(page_size=20)
    return [_campaign(instance, service_sid) for instance in found]


@translate_errors()
def delete_a2p_campaign(client: Client, service_sid: str, sid: str) -> None:
    client.messaging.v1.services(service_sid).us_app_to_person(sid).delete()


@translate_errors()
def list_a2p_use_cases(client: Client, service_sid: str, brand_sid: str) -> list[str]:
    """Use-case codes the brand may register on this service."""
    instance = client.messaging.v1.services(service_sid).us_app_to_person_usecases.fetch(
        brand_registration_sid=brand_sid
    )
    return [str(u.get("code")) for u in instance.us_app_to_person_usecases or () if u.get("code")]
