"""The carriers' (TCR's) review of brands on the sandbox clock.

A PENDING brand is decided once both of its bundles are: FAILED if either was rejected, or
if the business name contains "Mismatch" (the legal name doesn't match the EIN record, the
most common real failure), otherwise APPROVED. A standard brand gets a trust score from an
automatic secondary vetting; low-volume (secondary vetting skipped) and sole-proprietor
brands get none. An approved sole-proprietor brand stays UNVERIFIED until its owner answers
the OTP text (`otp.py`); 24 hours without a YES fail it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string

from django.db import transaction

from sandbox.core.lifecycle import on_tick
from sandbox.core.sids import new_sid
from sandbox.resources.brand_registrations import otp
from sandbox.resources.brand_registrations.models import Brand, Vetting
from sandbox.resources.trusthub import policies
from sandbox.resources.trusthub.models import Bundle

BRAND_REVIEW = dt.timedelta(seconds=10)
WAIT_FOR_BUNDLES = dt.timedelta(seconds=5)
VETTING_TIME = dt.timedelta(seconds=10)
FAILURE_MARKER = "mismatch"


def _score(brand: Brand) -> int:
    """A deterministic trust score between 75 and 94 (the top throughput tier)."""
    return 75 + int(hashlib.sha1(brand.sid.encode()).hexdigest()[:4], 16) % 20


def _tcr_id() -> str:
    return "B" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(6))


def _fail(brand: Brand, errors: list[dict]) -> None:
    brand.status = Brand.Status.FAILED
    brand.errors = errors
    brand.failure_reason = "; ".join(e["description"] for e in errors)
    brand.next_transition_at = None


def _decide(brand: Brand, at: dt.datetime) -> bool:
    bundles = {
        b.sid: b
        for b in Bundle.objects.filter(
            account=brand.account,
            sid__in=[brand.customer_profile_bundle_sid, brand.a2p_profile_bundle_sid],
        )
    }
    statuses = {b.status for b in bundles.values()}
    rejected = [b for b in bundles.values() if b.status == Bundle.Status.TWILIO_REJECTED]
    if rejected or len(bundles) < 2:
        _fail(
            brand,
            [
                {
                    "code": 30701,
                    "description": "A TrustHub bundle of this brand was rejected: "
                    + "; ".join(e.get("message", "") for b in rejected for e in (b.errors or [])),
                    "fields": [],
                }
            ],
        )
        return True
    if statuses != {Bundle.Status.TWILIO_APPROVED}:
        brand.next_transition_at = at + WAIT_FOR_BUNDLES
        return False
    profile = bundles[brand.customer_profile_bundle_sid]
    if FAILURE_MARKER in policies.business_name(profile).lower():
        _fail(
            brand,
            [
                {
                    "code": 30702,
                    "description": "The legal business name does not match the name on file "
                    "with the IRS for this EIN (TAX_ID mismatch).",
                    "fields": ["business_name", "business_registration_number"],
                }
            ],
        )
        brand.brand_feedback = ["TAX_ID"]
        return True
    _approve(brand, at)
    return True


def _approve(brand: Brand, at: dt.datetime) -> None:
    """Approved, with the identity status its type earns (and a vetting for a vetted one)."""
    brand.status = Brand.Status.APPROVED
    brand.tcr_id = brand.tcr_id or _tcr_id()
    brand.errors, brand.failure_reason, brand.brand_feedback = [], "", []
    brand.next_transition_at = None
    if brand.brand_type == otp.SOLE_PROPRIETOR:
        otp.send_otp(brand, at)
    elif brand.skip_automatic_sec_vet:
        brand.identity_status = "SELF_DECLARED"
    else:
        brand.identity_status = "VETTED_VERIFIED"
        brand.brand_score = _score(brand)
        Vetting.objects.create(
            sid=new_sid("VT"),
            brand=brand,
            vetting_provider="aegis",
            vetting_id=f"aegis-{brand.tcr_id.lower()}",
            vetting_class="STANDARD",
            vetting_status="SUCCESS",
            date_created=at,
            date_updated=at,
        )


@on_tick(order=45)
def review_brands(now: dt.datetime) -> int:
    decided = 0
    with transaction.atomic():
        due = list(
            Brand.objects.select_for_update(skip_locked=True)
            .filter(next_transition_at__lte=now, status=Brand.Status.PENDING)
            .order_by("next_transition_at", "id")
        )
        for brand in due:
            at = brand.next_transition_at
            if _decide(brand, at):
                decided += 1
            brand.date_updated = at
            brand.save()
        vettings = list(
            Vetting.objects.select_for_update(skip_locked=True).filter(
                next_transition_at__lte=now, vetting_status="IN_PROGRESS"
            )
        )
        for vetting in vettings:
            vetting.vetting_status = "SUCCESS"
            vetting.date_updated = vetting.next_transition_at
            vetting.next_transition_at = None
            vetting.save()
        expired = otp.expire_due(now)
    return decided + len(vettings) + expired
