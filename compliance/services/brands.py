"""The brand registration of a version's two bundles, its secondary vetting, and a sole
proprietor's OTP step (approved by the carriers, counted once the owner has replied YES)."""

import logging

from django.db import transaction
from django.utils import timezone

from compliance import vocab
from compliance.models import A2PBrand, CustomerProfile, Registration, ReviewStatus, TrustProduct
from compliance.services.common import Api, ChainWaiting, api_for, save_fields, schedule_poll
from compliance.services.transitions import BRAND_STATUSES, transition
from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount

logger = logging.getLogger(__name__)

OTP_WAIT = (
    "The carriers approved the brand. It counts once the owner replies YES to Twilio's "
    f"verification text, within {vocab.SOLE_PROP_OTP_HOURS} hours."
)


def apply_brand(
    brand: A2PBrand, found: gateway.BrandRegistration, registration: Registration | None
) -> bool:
    errors = [
        {
            "code": e.get("code"),
            "field": (e.get("fields") or [e.get("field") or ""])[0] or "",
            "message": e.get("description") or e.get("message") or str(e),
        }
        for e in found.errors
    ]
    reason = "; ".join(e["message"] for e in errors) or (found.failure_reason or "")
    save_fields(
        brand,
        raw_status=found.status,
        tcr_id=found.tcr_id or "",
        brand_score=found.brand_score,
        identity_status=found.identity_status or "",
        brand_feedback=list(found.brand_feedback),
        errors=errors,
        failure_reason=reason,
        throughput_tier=vocab.throughput_tier(brand.brand_type, found.brand_score),
    )
    status = BRAND_STATUSES.get(found.status)
    if status is None:
        return False
    if brand.awaiting_otp:
        # Approved, but a sole proprietor's brand counts only once the owner has said YES.
        if brand.otp_sent_at is None:
            save_fields(brand, otp_sent_at=timezone.now())
        return transition(
            brand,
            ReviewStatus.IN_REVIEW,
            registration=registration,
            raw_status=found.status,
            reason=OTP_WAIT,
        )
    return transition(
        brand,
        status,
        registration=registration,
        raw_status=found.status,
        reason=reason if status == ReviewStatus.REJECTED else "",
    )


def ensure_brand(
    api: Api, registration: Registration, cp: CustomerProfile, tp: TrustProduct
) -> A2PBrand:
    brand = registration.brand
    if brand is None:
        brand = A2PBrand.objects.create(
            tenant=registration.tenant,
            customer_profile=cp,
            trust_product=tp,
            brand_type=registration.brand_type,
        )
        save_fields(registration, brand=brand)
    if brand.sid:
        return brand
    found = next(
        (
            b
            for b in api(gateway.list_brand_registrations)
            if b.customer_profile_bundle_sid == cp.sid and b.a2p_profile_bundle_sid == tp.sid
        ),
        None,
    )
    if found is None:
        low_volume = brand.brand_type == vocab.BrandType.LOW_VOLUME_STANDARD
        found = api(
            gateway.create_brand_registration,
            customer_profile_sid=cp.sid,
            trust_product_sid=tp.sid,
            brand_type=vocab.BrandType.SOLE_PROPRIETOR
            if brand.brand_type == vocab.BrandType.SOLE_PROPRIETOR
            else vocab.BrandType.STANDARD,
            skip_automatic_sec_vet=True if low_volume else None,
        )
    with transaction.atomic():
        save_fields(brand, sid=found.sid)
        apply_brand(brand, found, registration)
        schedule_poll(brand)
    return brand


def record_vetting(brand: A2PBrand) -> None:
    """The secondary vetting behind a standard brand's trust score, when there is one."""
    try:
        vettings = api_for(brand.tenant)(gateway.list_brand_vettings, brand.sid)
    except (gateway.GatewayError, ChainWaiting, NoTwilioAccount) as err:
        logger.info("brand %s vettings not read: %s", brand.sid, err)
        return
    if vettings:
        latest = max(vettings, key=lambda v: v.date_updated or timezone.now())
        save_fields(
            brand,
            vetting_sid=latest.sid,
            vetting_status=latest.status,
            vetting_class=latest.vetting_class or "",
        )
