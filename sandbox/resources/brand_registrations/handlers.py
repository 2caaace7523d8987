"""messaging.twilio.com/v1/a2p/BrandRegistrations and their Vettings."""

from __future__ import annotations

from sandbox.core import formats
from sandbox.core.errors import TwilioError, invalid_param, missing_param, not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.brand_registrations import lifecycle, otp
from sandbox.resources.brand_registrations.models import Brand, Vetting
from sandbox.resources.trusthub.models import Bundle

BASE = "https://messaging.twilio.com/v1/a2p/BrandRegistrations"
BRAND_TYPES = ("STANDARD", "SOLE_PROPRIETOR")
PROVIDERS = {"campaign-verify": "POLITICAL", "aegis": "STANDARD"}


def brand_json(brand: Brand) -> dict:
    url = f"{BASE}/{brand.sid}"
    return {
        "sid": brand.sid,
        "account_sid": brand.account.sid,
        "customer_profile_bundle_sid": brand.customer_profile_bundle_sid,
        "a2p_profile_bundle_sid": brand.a2p_profile_bundle_sid,
        "date_created": formats.iso8601(brand.date_created),
        "date_updated": formats.iso8601(brand.date_updated),
        "brand_type": brand.brand_type,
        "status": brand.status,
        "tcr_id": brand.tcr_id or None,
        "failure_reason": brand.failure_reason or None,
        "errors": brand.errors,
        "url": url,
        "brand_score": brand.brand_score,
        "brand_feedback": brand.brand_feedback or None,
        "identity_status": brand.identity_status or "UNVERIFIED",
        "russell_3000": False,
        "government_entity": False,
        "tax_exempt_status": None,
        "skip_automatic_sec_vet": brand.skip_automatic_sec_vet,
        "mock": brand.mock,
        "links": {
            "brand_vettings": f"{url}/Vettings",
            "brand_registration_otps": f"{url}/SmsOtp",
        },
    }


def _bundle(req: SandboxRequest, param: str, kind: str) -> Bundle:
    sid = req.get(param)
    if not sid:
        raise missing_param(param)
    bundle = Bundle.objects.filter(sid=sid, account=req.account, kind=kind).first()
    if bundle is None:
        raise TwilioError(21701, 400, f"{param} {sid} was not found on this account")
    if bundle.status == Bundle.Status.DRAFT:
        raise TwilioError(21702, 400, f"{param} {sid} has not been submitted for review")
    return bundle


@route("messaging", "POST", "/v1/a2p/BrandRegistrations", status=201)
def create_brand(req: SandboxRequest) -> dict:
    profile = _bundle(req, "CustomerProfileBundleSid", Bundle.Kind.CUSTOMER_PROFILE)
    product = _bundle(req, "A2PProfileBundleSid", Bundle.Kind.TRUST_PRODUCT)
    brand_type = req.get("BrandType") or "STANDARD"
    if brand_type not in BRAND_TYPES:
        raise invalid_param("BrandType", f"BrandType must be one of {', '.join(BRAND_TYPES)}")
    existing = Brand.objects.filter(
        account=req.account, customer_profile_bundle_sid=profile.sid
    ).exclude(status=Brand.Status.FAILED)
    if existing.exists():
        raise TwilioError(
            21703, 400, f"A brand is already registered for customer profile {profile.sid}"
        )
    brand = Brand.objects.create(
        sid=new_sid("BN"),
        account=req.account,
        customer_profile_bundle_sid=profile.sid,
        a2p_profile_bundle_sid=product.sid,
        brand_type=brand_type,
        skip_automatic_sec_vet=bool(req.get_bool("SkipAutomaticSecVet", False)),
        mock=bool(req.get_bool("Mock", False)),
        identity_status="UNVERIFIED",
        next_transition_at=req.now + lifecycle.BRAND_REVIEW,
        date_created=req.now,
        date_updated=req.now,
    )
    return brand_json(brand)


@route("messaging", "GET", "/v1/a2p/BrandRegistrations")
def list_brands(req: SandboxRequest) -> dict:
    brands = Brand.objects.select_related("account").filter(account=req.account)
    return meta_page(req, "data", brands.order_by("date_created", "id"), brand_json)


def _brand(req: SandboxRequest, param: str = "Sid") -> Brand:
    brand = (
        Brand.objects.select_related("account")
        .filter(sid=req.arg(param), account=req.account)
        .first()
    )
    if brand is None:
        raise not_found(req.path)
    return brand


@route("messaging", "GET", "/v1/a2p/BrandRegistrations/{Sid}")
def fetch_brand(req: SandboxRequest) -> dict:
    return brand_json(_brand(req))


@route("messaging", "POST", "/v1/a2p/BrandRegistrations/{Sid}", status=202)
def resubmit_brand(req: SandboxRequest) -> dict:
    """Twilio lets a FAILED brand be resubmitted once its bundles are fixed."""
    brand = _brand(req)
    if brand.status != Brand.Status.FAILED:
        raise TwilioError(21704, 400, f"Only a FAILED brand can be resubmitted ({brand.status})")
    brand.status = Brand.Status.PENDING
    brand.errors, brand.failure_reason = [], ""
    brand.next_transition_at = req.now + lifecycle.BRAND_REVIEW
    brand.date_updated = req.now
    brand.save()
    return brand_json(brand)


@route("messaging", "POST", "/v1/a2p/BrandRegistrations/{BrandRegistrationSid}/SmsOtp", status=201)
def resend_otp(req: SandboxRequest) -> dict:
    """Text a sole proprietor's OTP again, valid for 24 hours from now."""
    brand = _brand(req, "BrandRegistrationSid")
    if not otp.awaits_otp(brand):
        raise TwilioError(
            21706,
            400,
            "An OTP can only be resent for a sole-proprietor brand that is APPROVED and "
            f"awaiting its owner's confirmation ({brand.brand_type}, {brand.status}, "
            f"identity {brand.identity_status or 'UNVERIFIED'})",
        )
    otp.send_otp(brand, req.now)
    brand.date_updated = req.now
    brand.save()
    return {"account_sid": brand.account.sid, "brand_registration_sid": brand.sid}


def vetting_json(vetting: Vetting) -> dict:
    brand = vetting.brand
    return {
        "account_sid": brand.account.sid,
        "brand_sid": brand.sid,
        "brand_vetting_sid": vetting.sid,
        "date_updated": formats.iso8601(vetting.date_updated),
        "date_created": formats.iso8601(vetting.date_created),
        "vetting_id": vetting.vetting_id or None,
        "vetting_class": vetting.vetting_class or None,
        "vetting_status": vetting.vetting_status,
        "vetting_provider": vetting.vetting_provider,
        "url": f"{BASE}/{brand.sid}/Vettings/{vetting.sid}",
    }


@route("messaging", "POST", "/v1/a2p/BrandRegistrations/{BrandSid}/Vettings", status=201)
def create_vetting(req: SandboxRequest) -> dict:
    brand = _brand(req, "BrandSid")
    provider = req.require("VettingProvider")
    if provider not in PROVIDERS:
        raise invalid_param("VettingProvider")
    if brand.status != Brand.Status.APPROVED:
        raise TwilioError(21705, 400, "A brand can only be vetted once it is APPROVED")
    vetting = Vetting.objects.create(
        sid=new_sid("VT"),
        brand=brand,
        vetting_provider=provider,
        vetting_id=req.get("VettingId") or "",
        vetting_class=PROVIDERS[provider],
        vetting_status="IN_PROGRESS",
        next_transition_at=req.now + lifecycle.VETTING_TIME,
        date_created=req.now,
        date_updated=req.now,
    )
    return vetting_json(vetting)


@route("messaging", "GET", "/v1/a2p/BrandRegistrations/{BrandSid}/Vettings")
def list_vettings(req: SandboxRequest) -> dict:
    brand = _brand(req, "BrandSid")
    vettings = brand.vettings.select_related("brand__account").order_by("date_created", "id")
    if req.q("VettingProvider"):
        vettings = vettings.filter(vetting_provider=req.q("VettingProvider"))
    return meta_page(req, "data", vettings, vetting_json)


@route("messaging", "GET", "/v1/a2p/BrandRegistrations/{BrandSid}/Vettings/{BrandVettingSid}")
def fetch_vetting(req: SandboxRequest) -> dict:
    brand = _brand(req, "BrandSid")
    vetting = (
        brand.vettings.select_related("brand__account")
        .filter(sid=req.arg("BrandVettingSid"))
        .first()
    )
    if vetting is None:
        raise not_found(req.path)
    return vetting_json(vetting)
