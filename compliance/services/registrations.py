"""Versions of a tenant's 10DLC registration: submitting, updating a draft, resubmitting.

Submissions of one tenant are serialized by a lock on its row; a version's chain runs under
a lease (`claim_run`) so a duplicate task returns instead of racing it.
"""

import hashlib
import json
import uuid
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from compliance import enqueue, vocab
from compliance.models import CustomerProfile, Registration, ReviewStatus, TrustProduct
from compliance.selectors import FORM_TO_PROFILE, form_initial
from compliance.services.common import RUN_LEASE, ComplianceConflict
from compliance.services.transitions import transition
from compliance.validation import BRAND_FIELDS, BUSINESS_FIELDS, normalize, validate_submission
from tenants.models import BusinessProfile, Tenant
from tenants.services import Actor, business_profile_update, record_audit

# Contact fields reach the help message, not Twilio's business records: changing them
# doesn't need a new customer profile or brand.
_DIGEST_FIELDS = tuple(
    f for f in BUSINESS_FIELDS + BRAND_FIELDS if f not in ("contact_email", "contact_phone")
)


def business_digest(snapshot: dict[str, Any]) -> str:
    """Fingerprint of the facts TrustHub and the brand carry: equal digests may reuse them."""
    facts = {name: snapshot.get(name, "") for name in _DIGEST_FIELDS}
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def _apply_to_profile(tenant: Tenant, cleaned: dict[str, Any], actor: Actor) -> None:
    """The business profile is where business facts live: the submission updates it."""
    profile = BusinessProfile.objects.for_tenant(tenant).first()
    if profile is None:
        return
    data = {
        profile_field: cleaned[form_field]
        for form_field, profile_field in FORM_TO_PROFILE.items()
        if form_field in cleaned
    }
    business_profile_update(profile=profile, data=data, actor=actor)


def _policies(brand_type: str) -> tuple[str, str]:
    if brand_type == vocab.BrandType.SOLE_PROPRIETOR:
        return vocab.STARTER_PROFILE_POLICY, vocab.SOLE_PROP_TRUST_PRODUCT_POLICY
    return vocab.SECONDARY_PROFILE_POLICY, vocab.A2P_TRUST_PRODUCT_POLICY


def _reusable(tenant: Tenant, digest: str, exclude: Registration) -> Registration | None:
    """An earlier version with the same business facts whose TrustHub objects and brand
    were not rejected: the new version builds on them instead of registering again."""
    candidates = (
        Registration.objects.for_tenant(tenant)
        .exclude(pk=exclude.pk)
        .filter(business_digest=digest, brand__isnull=False)
        .select_related("customer_profile", "trust_product", "brand")
        .order_by("-version")
    )
    for candidate in candidates:
        objects = (candidate.customer_profile, candidate.trust_product, candidate.brand)
        if all(o is not None and o.status != ReviewStatus.REJECTED for o in objects):
            return candidate
    return None


def _prepare_objects(registration: Registration) -> None:
    previous = _reusable(registration.tenant, registration.business_digest, registration)
    if previous is not None:
        registration.customer_profile = previous.customer_profile
        registration.trust_product = previous.trust_product
        registration.brand = previous.brand
        return
    profile_policy, product_policy = _policies(registration.brand_type)
    name = registration.snapshot.get("legal_name", "")[:80]
    cp_id = uuid.uuid4()
    cp = CustomerProfile.objects.create(
        id=cp_id,
        tenant=registration.tenant,
        policy_sid=profile_policy,
        friendly_name=f"{name} customer profile {cp_id.hex[:10]}",
    )
    tp_id = uuid.uuid4()
    tp = TrustProduct.objects.create(
        id=tp_id,
        tenant=registration.tenant,
        customer_profile=cp,
        policy_sid=product_policy,
        friendly_name=f"{name} A2P messaging profile {tp_id.hex[:10]}",
    )
    registration.customer_profile, registration.trust_product = cp, tp


def _submit(registration: Registration, actor: Actor) -> Registration:
    registration.business_digest = business_digest(registration.snapshot)
    registration.brand_type = registration.snapshot["brand_type"]
    registration.use_case = registration.snapshot["use_case"]
    registration.step = Registration.Step.CUSTOMER_PROFILE
    _prepare_objects(registration)
    registration.save()
    transition(registration, Registration.Status.SUBMITTED, registration=registration, actor=actor)
    enqueue.run_registration(registration.pk)
    return registration


def _lock_tenant(tenant: Tenant) -> Tenant:
    """Submissions of one tenant go one at a time (version numbers, one open version)."""
    return Tenant.objects.select_for_update(no_key=True).get(pk=tenant.pk)


def _check_tenant(tenant: Tenant) -> None:
    if tenant.status != Tenant.Status.ACTIVE:
        raise ComplianceConflict(f"Registrations are paused because {tenant.inactive_reason}.")


def registration_submit(
    *, tenant: Tenant, data: dict[str, Any], actor: Actor, draft: bool = False
) -> Registration:
    """Validate a submission (pre-flight), record it as the next version and start the chain.

    With `draft=True` the version is only saved (checked later, on submission). An open
    draft is updated and submitted instead of starting another version. Raises
    ValidationError (pre-flight, nothing sent) or ComplianceConflict (a version is in review).
    """
    _check_tenant(tenant)
    cleaned = normalize(data) if draft else validate_submission(data)
    with transaction.atomic():
        _lock_tenant(tenant)
        current = (
            Registration.objects.for_tenant(tenant)
            .select_for_update()
            .filter(status__in=[Registration.Status.DRAFT, *Registration.OPEN_STATUSES])
            .first()
        )
        if current is not None and current.status != Registration.Status.DRAFT:
            raise ComplianceConflict(
                f"Version {current.version} is being reviewed; wait for its outcome before "
                "submitting changes."
            )
        if current is None:
            latest = Registration.objects.for_tenant(tenant).aggregate(v=Max("version"))["v"]
            current = Registration(
                tenant=tenant,
                version=(latest or 0) + 1,
                created_by=actor.user,
                brand_type=cleaned.get("brand_type") or vocab.BrandType.STANDARD,
            )
        current.snapshot = cleaned
        current.brand_type = cleaned.get("brand_type") or current.brand_type
        current.use_case = cleaned.get("use_case", "")
        current.save()
        record_audit(
            tenant=tenant,
            actor=actor,
            action="a2p.registration.saved" if draft else "a2p.registration.submitted",
            target=current,
            changes={"version": current.version},
        )
        if not draft:
            _apply_to_profile(tenant, cleaned, actor)
            _submit(current, actor)
    return current


def registration_update(
    *, registration: Registration, data: dict[str, Any], actor: Actor
) -> Registration:
    """Change a draft version. A submitted version is a snapshot and never changes."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != Registration.Status.DRAFT:
            raise ComplianceConflict(_read_only_message(registration))
        merged = {**registration.snapshot, **data}
        registration.snapshot = normalize(merged)
        registration.brand_type = registration.snapshot.get("brand_type") or (
            registration.brand_type
        )
        registration.use_case = registration.snapshot.get("use_case", "")
        registration.save()
        record_audit(
            tenant=registration.tenant,
            actor=actor,
            action="a2p.registration.updated",
            target=registration,
            changes={"fields": sorted(data)},
        )
    return registration


def _read_only_message(registration: Registration) -> str:
    if registration.status == Registration.Status.APPROVED:
        return (
            f"Version {registration.version} is approved and read-only. Change your details "
            "and submit them as a new version; the approved one stays active until the new "
            "one is approved."
        )
    if registration.status in Registration.OPEN_STATUSES:
        return f"Version {registration.version} is being reviewed and can't be changed."
    return (
        f"Version {registration.version} is {registration.get_status_display().lower()} and "
        "kept as history; submit a new version instead."
    )


def registration_submit_draft(*, registration: Registration, actor: Actor) -> Registration:
    """Submit a saved draft after checking it like any submission."""
    if registration.status != Registration.Status.DRAFT:
        raise ComplianceConflict(_read_only_message(registration))
    return registration_submit(tenant=registration.tenant, data=registration.snapshot, actor=actor)


def registration_resubmit(*, tenant: Tenant, actor: Actor) -> Registration:
    """Submit the current business profile and the newest campaign details as a new version
    (staff's "resubmit", or an owner after fixing the profile)."""
    return registration_submit(tenant=tenant, data=form_initial(tenant), actor=actor)


def claim_run(registration_id: uuid.UUID | str) -> bool:
    now = timezone.now()
    return bool(
        Registration.objects.filter(pk=registration_id, status__in=Registration.OPEN_STATUSES)
        .filter(Q(running_until__isnull=True) | Q(running_until__lt=now))
        .update(running_until=now + RUN_LEASE)
    )
