"""messaging.twilio.com/v1/Services/{MessagingServiceSid}/Compliance/Usa2p (and Usecases)."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from sandbox.core import formats
from sandbox.core.errors import TwilioError, invalid_param, missing_param, not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.resources.brand_registrations.models import Brand
from sandbox.resources.messaging_services.models import MessagingService
from sandbox.resources.us_app_to_person import lifecycle
from sandbox.resources.us_app_to_person.models import CAMPAIGN_SID, Campaign

BASE = "https://messaging.twilio.com/v1/Services"
PATH = "/v1/Services/{MessagingServiceSid}/Compliance/Usa2p"
_KEYWORD = re.compile(r"^[A-Za-z0-9]{1,30}$")

# code, name, description, post_approval_required
USE_CASES = {
    "2FA": ("Two-Factor authentication (2FA)", "One-time passwords and login codes", False),
    "ACCOUNT_NOTIFICATION": ("Account Notification", "Reminders, alerts and notifications", False),
    "CUSTOMER_CARE": ("Customer Care", "Support, account help and conversations", False),
    "DELIVERY_NOTIFICATION": ("Delivery Notification", "Status of a delivered product", False),
    "FRAUD_ALERT": ("Fraud Alert Messaging", "Notifications of suspicious activity", False),
    "HIGHER_EDUCATION": ("Higher Education", "Colleges, universities and school districts", False),
    "MARKETING": ("Marketing", "Promotional content: sales and offers", False),
    "MIXED": ("Mixed", "Several use cases, including marketing", False),
    "POLLING_VOTING": ("Polling and voting", "Surveys and polls (not political)", False),
    "PUBLIC_SERVICE_ANNOUNCEMENT": ("Public Service Announcement", "Raising awareness", False),
    "SECURITY_ALERT": ("Security Alert", "A compromised system or account", False),
    "LOW_VOLUME": ("Low Volume Mixed", "Small volume, several use cases", False),
    "SOLE_PROPRIETOR": ("Sole Proprietor", "The one campaign of a sole-proprietor brand", False),
}


def allowed_use_cases(brand: Brand) -> list[str]:
    if brand.brand_type == "SOLE_PROPRIETOR":
        return ["SOLE_PROPRIETOR"]
    codes = [c for c in USE_CASES if c not in ("SOLE_PROPRIETOR", "LOW_VOLUME")]
    if brand.skip_automatic_sec_vet:
        codes.append("LOW_VOLUME")
    return codes


def campaign_json(campaign: Campaign, *, v2: bool = False) -> dict:
    body = {
        "sid": CAMPAIGN_SID,
        "account_sid": campaign.account.sid,
        "brand_registration_sid": campaign.brand.sid,
        "messaging_service_sid": campaign.messaging_service_sid,
        "description": campaign.description,
        "message_samples": campaign.message_samples,
        "us_app_to_person_usecase": campaign.use_case,
        "has_embedded_links": campaign.has_embedded_links,
        "has_embedded_phone": campaign.has_embedded_phone,
        "subscriber_opt_in": campaign.subscriber_opt_in,
        "age_gated": campaign.age_gated,
        "direct_lending": campaign.direct_lending,
        "campaign_status": campaign.campaign_status,
        "campaign_id": campaign.campaign_id or None,
        "is_externally_registered": False,
        "rate_limits": campaign.rate_limits or None,
        "message_flow": campaign.message_flow,
        "opt_in_message": campaign.opt_in_message or None,
        "opt_out_message": campaign.opt_out_message or None,
        "help_message": campaign.help_message or None,
        "opt_in_keywords": campaign.opt_in_keywords or None,
        "opt_out_keywords": campaign.opt_out_keywords or None,
        "help_keywords": campaign.help_keywords or None,
        "date_created": formats.iso8601(campaign.date_created),
        "date_updated": formats.iso8601(campaign.date_updated),
        "url": f"{BASE}/{campaign.messaging_service_sid}/Compliance/Usa2p/{CAMPAIGN_SID}",
        "mock": campaign.brand.mock,
        "errors": campaign.errors,
    }
    if v2:
        # `X-Twilio-Api-Version: v1.2` answers with the privacy and terms URLs too.
        body["privacy_policy_url"] = campaign.privacy_policy_url or None
        body["terms_and_conditions_url"] = campaign.terms_and_conditions_url or None
    return body


def _v2(req: SandboxRequest) -> bool:
    return req.headers.get("x-twilio-api-version", "") == "v1.2"


def _service(req: SandboxRequest) -> MessagingService:
    service = MessagingService.objects.filter(
        sid=req.arg("MessagingServiceSid"), account=req.account
    ).first()
    if service is None:
        raise not_found(req.path)
    return service


def _length(req: SandboxRequest, name: str, low: int, high: int, code: int) -> str:
    value = req.get(name)
    if value is None or value == "":
        raise missing_param(name)
    if not low <= len(value) <= high:
        raise TwilioError(code, 400, f"{name} must be {low} to {high} characters long")
    return value


def _optional_message(req: SandboxRequest, name: str) -> str | None:
    value = req.get(name)
    if value is not None and value != "" and not 20 <= len(value) <= 320:
        raise TwilioError(21708, 400, f"{name} must be 20 to 320 characters long")
    return value


def _samples(req: SandboxRequest) -> list[str]:
    samples = req.get_list("MessageSamples")
    if not samples:
        raise missing_param("MessageSamples")
    if not 2 <= len(samples) <= 5:
        raise TwilioError(21709, 400, "MessageSamples must hold 2 to 5 samples")
    for sample in samples:
        if not 20 <= len(sample) <= 1024:
            raise TwilioError(21709, 400, "Each message sample must be 20 to 1024 characters")
    return samples


def _keywords(req: SandboxRequest, name: str) -> list[str]:
    keywords = req.get_list(name)
    bad = [k for k in keywords if not _KEYWORD.match(k)]
    if bad:
        raise invalid_param(name, f"{name} must be alphanumeric: {', '.join(bad)}")
    return keywords


def _required_bool(req: SandboxRequest, name: str) -> bool:
    value = req.get_bool(name)
    if value is None:
        raise missing_param(name)
    return value


def _apply_content(req: SandboxRequest, campaign: Campaign) -> None:
    campaign.description = _length(req, "Description", 40, 4096, 21710)
    campaign.message_flow = _length(req, "MessageFlow", 40, 2048, 21711)
    campaign.message_samples = _samples(req)
    campaign.has_embedded_links = _required_bool(req, "HasEmbeddedLinks")
    campaign.has_embedded_phone = _required_bool(req, "HasEmbeddedPhone")
    for param, field in (("AgeGated", "age_gated"), ("DirectLending", "direct_lending")):
        value = req.get_bool(param)
        if value is not None:
            setattr(campaign, field, value)
    for param, field in (
        ("PrivacyPolicyUrl", "privacy_policy_url"),
        ("TermsAndConditionsUrl", "terms_and_conditions_url"),
    ):
        if req.get(param) is not None:
            setattr(campaign, field, req.get(param))


@route("messaging", "POST", PATH, status=201)
def create_campaign(req: SandboxRequest) -> dict:
    service = _service(req)
    brand_sid = req.require("BrandRegistrationSid")
    brand = Brand.objects.filter(sid=brand_sid, account=req.account).first()
    if brand is None:
        raise TwilioError(21712, 400, f"Brand registration {brand_sid} was not found")
    if brand.status != Brand.Status.APPROVED:
        raise TwilioError(21713, 400, f"Brand registration {brand_sid} is not APPROVED")
    use_case = req.require("UsAppToPersonUsecase")
    if use_case not in allowed_use_cases(brand):
        raise TwilioError(21714, 400, f"Use case {use_case} is not allowed for this brand")
    campaign = Campaign(
        account=req.account,
        messaging_service_sid=service.sid,
        brand=brand,
        use_case=use_case,
        subscriber_opt_in=req.get_bool("SubscriberOptIn"),
        opt_in_message=_optional_message(req, "OptInMessage") or "",
        opt_out_message=_optional_message(req, "OptOutMessage") or "",
        help_message=_optional_message(req, "HelpMessage") or "",
        opt_in_keywords=_keywords(req, "OptInKeywords"),
        opt_out_keywords=_keywords(req, "OptOutKeywords"),
        help_keywords=_keywords(req, "HelpKeywords"),
        next_transition_at=req.now + lifecycle.REVIEW_START,
        date_created=req.now,
        date_updated=req.now,
    )
    _apply_content(req, campaign)
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise TwilioError(
            21715, 409, f"Messaging service {service.sid} already has an A2P campaign"
        )
    return campaign_json(campaign, v2=_v2(req))


@route("messaging", "GET", PATH)
def list_campaigns(req: SandboxRequest) -> dict:
    service = _service(req)
    campaigns = Campaign.objects.select_related("account", "brand").filter(
        messaging_service_sid=service.sid
    )
    return meta_page(req, "compliance", campaigns, lambda c: campaign_json(c, v2=_v2(req)))


def _campaign(req: SandboxRequest) -> Campaign:
    service = _service(req)
    campaign = (
        Campaign.objects.select_related("account", "brand")
        .filter(messaging_service_sid=service.sid)
        .first()
    )
    if campaign is None or req.arg("Sid") != CAMPAIGN_SID:
        raise not_found(req.path)
    return campaign


@route("messaging", "GET", f"{PATH}/{{Sid}}")
def fetch_campaign(req: SandboxRequest) -> dict:
    return campaign_json(_campaign(req), v2=_v2(req))


@route("messaging", "POST", f"{PATH}/{{Sid}}")
def update_campaign(req: SandboxRequest) -> dict:
    """Edit a campaign's content; a FAILED one goes back to review."""
    campaign = _campaign(req)
    if campaign.campaign_status == Campaign.Status.IN_PROGRESS:
        raise TwilioError(21716, 400, "A campaign can't be edited while it is being reviewed")
    for name in ("AgeGated", "DirectLending"):
        if req.get_bool(name) is None:
            raise missing_param(name)
    _apply_content(req, campaign)
    if campaign.campaign_status == Campaign.Status.FAILED:
        campaign.campaign_status = Campaign.Status.PENDING
        campaign.errors = []
        campaign.next_transition_at = req.now + lifecycle.REVIEW_START
    campaign.date_updated = req.now
    campaign.save()
    return campaign_json(campaign, v2=_v2(req))


@route("messaging", "DELETE", f"{PATH}/{{Sid}}")
def delete_campaign(req: SandboxRequest) -> None:
    campaign = _campaign(req)
    with transaction.atomic():
        campaign.delete()
        MessagingService.objects.filter(sid=campaign.messaging_service_sid).update(
            us_app_to_person_registered=False
        )


@route("messaging", "GET", f"{PATH}/Usecases")
def list_use_cases(req: SandboxRequest) -> dict:
    _service(req)
    brand_sid = req.q("BrandRegistrationSid")
    brand = Brand.objects.filter(sid=brand_sid, account=req.account).first() if brand_sid else None
    if brand_sid and brand is None:
        raise TwilioError(21712, 400, f"Brand registration {brand_sid} was not found")
    codes = allowed_use_cases(brand) if brand is not None else list(USE_CASES)
    return {
        "us_app_to_person_usecases": [
            {
                "code": code,
                "name": USE_CASES[code][0],
                "description": USE_CASES[code][1],
                "post_approval_required": USE_CASES[code][2],
            }
            for code in codes
        ]
    }
