"""A2P 10DLC registration: submitting versions, running the chain, polling, cutting over.

The chain follows Twilio's ISV flow for a secondary customer profile, with the tenant's
subaccount credentials: customer profile (business information, representative, address
and its document, the ISV's primary profile, evaluation, submission) -> A2P trust product
-> brand -> messaging service with the tenant's numbers -> campaign.

`registration_run` is resumable: every step records the SID Twilio returned before going on,
and looks up (by friendly name, by owning bundle or by brand) before creating, so a crash or
an outage resumes where it stopped and never creates an object twice. Twilio's reviews are
followed by `poll_object`, one state machine per object; the chain reads their states and
continues when they allow it.
"""

import contextlib
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, ProtectedError, Q
from django.utils import timezone

from compliance import pacing, vocab
from compliance.models import (
    ALLOWED_MOVES,
    A2PBrand,
    A2PCampaign,
    CustomerProfile,
    Registration,
    ReviewStatus,
    StatusTransition,
    TrustProduct,
    TwilioReviewed,
)
from compliance.selectors import FORM_TO_PROFILE, active_registration, form_initial
from compliance.validation import BRAND_FIELDS, BUSINESS_FIELDS, normalize, validate_submission
from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount, tenant_account
from provisioning.models import MessagingService, PhoneNumber
from provisioning.selectors import active_numbers, messaging_service_for
from tenants.models import BusinessProfile, Tenant
from tenants.services import Actor, business_profile_update, record_audit

logger = logging.getLogger(__name__)

RUN_LEASE = timedelta(minutes=10)
POLL_LEASE = timedelta(minutes=2)
# Contact fields reach the help message, not Twilio's business records: changing them
# doesn't need a new customer profile or brand.
_DIGEST_FIELDS = tuple(
    f for f in BUSINESS_FIELDS + BRAND_FIELDS if f not in ("contact_email", "contact_phone")
)


class ComplianceConflict(Exception):
    """The request conflicts with a registration's state (the API answers 409)."""


class ChainWaiting(Exception):
    """The chain can't go on yet for a reason outside Twilio's review of this tenant."""


# --- settings ---------------------------------------------------------------------------


def _seconds(name: str, default: float) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name, default)))


def poll_delay(attempts: int) -> timedelta:
    """Exponential backoff between polls of one object, capped."""
    base = _seconds("A2P_POLL_BASE_SECONDS", 60)
    cap = _seconds("A2P_POLL_MAX_SECONDS", 6 * 3600)
    return min(cap, base * (2 ** min(attempts, 16)))


def isv_email() -> str:
    return getattr(settings, "A2P_ISV_EMAIL", "") or "compliance@isvplatform.example.com"


def trusthub_callback_url() -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/webhooks/twilio/trusthub"


# --- Twilio calls -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Api:
    """A tenant's (or the master's) client whose A2P calls are paced per account."""

    client: Any
    account_sid: str

    def __call__(self, operation, *args, **kwargs):
        return pacing.paced(self.account_sid, operation, self.client, *args, **kwargs)


def _api_for(tenant: Tenant) -> _Api:
    account = tenant_account(tenant)
    if account.via_master:
        # Registrations belong to the tenant's own account; the master's fallback can't hold them.
        raise ChainWaiting(
            "The tenant's Twilio subaccount isn't active yet; registration starts once it is."
        )
    return _Api(account.client(), account.account_sid)


# --- state machine ----------------------------------------------------------------------

BUNDLE_STATUSES = {
    "draft": ReviewStatus.DRAFT,
    "pending-review": ReviewStatus.SUBMITTED,
    "in-review": ReviewStatus.IN_REVIEW,
    "twilio-approved": ReviewStatus.APPROVED,
    "twilio-rejected": ReviewStatus.REJECTED,
}
BRAND_STATUSES = {
    "PENDING": ReviewStatus.SUBMITTED,
    "IN_REVIEW": ReviewStatus.IN_REVIEW,
    "APPROVED": ReviewStatus.APPROVED,
    "FAILED": ReviewStatus.REJECTED,
    "SUSPENDED": ReviewStatus.REJECTED,
    "DELETED": ReviewStatus.REJECTED,
}
CAMPAIGN_STATUSES = {
    "PENDING": ReviewStatus.SUBMITTED,
    "IN_PROGRESS": ReviewStatus.IN_REVIEW,
    "VERIFIED": ReviewStatus.APPROVED,
    "FAILED": ReviewStatus.REJECTED,
    "SUSPENDED": ReviewStatus.REJECTED,
    "EXPIRED": ReviewStatus.REJECTED,
}


def _save(obj, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, "updated_at"])


def _object_type(obj) -> str:
    return "registration" if isinstance(obj, Registration) else obj.step


def _transition(
    obj: TwilioReviewed | Registration,
    to_status: str,
    *,
    registration: Registration | None,
    raw_status: str = "",
    reason: str = "",
    actor: Actor | None = None,
) -> bool:
    """Move one object (or a registration) to `to_status`: recorded, audited, announced.

    A move the state machine doesn't allow (a late poll after a decision) changes nothing.
    """
    before = obj.status
    if before == to_status:
        return False
    if isinstance(obj, TwilioReviewed) and to_status not in ALLOWED_MOVES[before]:
        logger.info("ignored %s %s -> %s", _object_type(obj), obj.pk, to_status)
        return False
    now = timezone.now()
    obj.status = to_status
    changed = ["status"]
    if isinstance(obj, TwilioReviewed):
        if raw_status:
            obj.raw_status = raw_status
            changed.append("raw_status")
        if to_status in (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW) and not obj.submitted_at:
            obj.submitted_at = now
            changed.append("submitted_at")
        if to_status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED):
            obj.decided_at, obj.next_poll_at = now, None
            changed += ["decided_at", "next_poll_at"]
    else:
        stamp = {
            Registration.Status.SUBMITTED: "submitted_at",
            Registration.Status.APPROVED: "approved_at",
            Registration.Status.REJECTED: "rejected_at",
            Registration.Status.SUPERSEDED: "superseded_at",
        }.get(to_status)
        if stamp:
            setattr(obj, stamp, now)
            changed.append(stamp)
    obj.save(update_fields=[*changed, "updated_at"])
    record = StatusTransition.objects.create(
        tenant_id=obj.tenant_id,
        registration=registration,
        object_type=_object_type(obj),
        object_id=str(obj.pk),
        sid=getattr(obj, "sid", "") or "",
        from_status=before,
        to_status=to_status,
        raw_status=raw_status,
        reason=reason,
        at=now,
    )
    record_audit(
        tenant=obj.tenant,
        actor=actor or Actor.system(),
        action=f"a2p.{_object_type(obj)}.{to_status}",
        target=obj,
        changes={
            "status": [before, to_status],
            **({"twilio_status": raw_status} if raw_status else {}),
            **({"reason": reason} if reason else {}),
        },
    )
    transaction.on_commit(lambda: _announce(record.pk))
    return True


def _announce(transition_id: int) -> None:
    from compliance.tasks import announce_transition_task

    announce_transition_task.delay(transition_id)


def _enqueue_run(registration_id: uuid.UUID | str) -> None:
    from compliance.tasks import run_registration_task

    transaction.on_commit(lambda: run_registration_task.delay(str(registration_id)))


# --- submitting -------------------------------------------------------------------------


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
    _transition(registration, Registration.Status.SUBMITTED, registration=registration, actor=actor)
    _enqueue_run(registration.pk)
    return registration


def _lock_tenant(tenant: Tenant) -> Tenant:
    """Submissions of one tenant go one at a time (version numbers, one open version)."""
    return Tenant.objects.select_for_update(no_key=True).get(pk=tenant.pk)


def _check_tenant(tenant: Tenant) -> None:
    if tenant.status != Tenant.Status.ACTIVE:
        raise ComplianceConflict(f"This tenant is {tenant.status}; registrations are paused.")


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


# --- the chain --------------------------------------------------------------------------


def _claim(registration_id: uuid.UUID | str) -> bool:
    now = timezone.now()
    return bool(
        Registration.objects.filter(pk=registration_id, status__in=Registration.OPEN_STATUSES)
        .filter(Q(running_until__isnull=True) | Q(running_until__lt=now))
        .update(running_until=now + RUN_LEASE)
    )


def registration_run(registration_id: uuid.UUID | str) -> Registration | None:
    """Advance one open version as far as Twilio allows now; safe to run any number of times."""
    if not _claim(registration_id):
        return None
    registration = Registration.objects.select_related(
        "tenant", "customer_profile", "trust_product", "brand", "campaign"
    ).get(pk=registration_id)
    try:
        _run_chain(registration)
    except (ChainWaiting, NoTwilioAccount) as err:
        _retry_later(registration, None, str(err))
    except gateway.GatewayError as err:
        if isinstance(err, gateway.RetryableGatewayError | gateway.AuthenticationError):
            _retry_later(registration, err.code, err.message)
        else:
            _fail_step(registration, err)
    finally:
        Registration.objects.filter(pk=registration.pk).update(running_until=None)
    registration.refresh_from_db()
    return registration


def _retry_later(registration: Registration, code: int | None, message: str) -> None:
    attempts = registration.attempts + 1
    delay = min(_seconds("A2P_POLL_MAX_SECONDS", 6 * 3600), timedelta(seconds=30) * 2**attempts)
    Registration.objects.filter(pk=registration.pk).update(
        attempts=attempts,
        last_error_code=code,
        last_error_message=message,
        next_run_at=timezone.now() + delay,
    )
    logger.info("registration %s waits: %s", registration.pk, message)


def _fail_step(registration: Registration, err: gateway.GatewayError) -> None:
    """Twilio refused a request outright (4xx): the current step is rejected with its reason."""
    obj = _current_object(registration)
    reason = f"Twilio refused the {Registration.Step(registration.step).label.lower()}: "
    reason += err.twilio_message or err.message
    with transaction.atomic():
        if obj is not None and not obj.is_final:
            _save(
                obj,
                last_error_code=err.code,
                last_error_message=err.message,
                failure_reason=reason,
                errors=[{"code": err.code, "field": "", "message": reason}],
            )
            _transition(obj, ReviewStatus.REJECTED, registration=registration, reason=reason)
        Registration.objects.filter(pk=registration.pk).update(
            last_error_code=err.code, last_error_message=err.message
        )
        registration.refresh_from_db()
        _reject(registration, reason)


def _current_object(registration: Registration) -> TwilioReviewed | None:
    return {
        Registration.Step.CUSTOMER_PROFILE: registration.customer_profile,
        Registration.Step.TRUST_PRODUCT: registration.trust_product,
        Registration.Step.BRAND: registration.brand,
        Registration.Step.CAMPAIGN: registration.campaign,
    }.get(registration.step)


def _set_step(registration: Registration, step: str) -> None:
    if registration.step != step:
        _save(registration, step=step)


def _reject(registration: Registration, reason: str) -> None:
    registration.rejection_reason = reason
    registration.next_run_at = None
    registration.save(update_fields=["rejection_reason", "next_run_at", "updated_at"])
    _transition(
        registration, Registration.Status.REJECTED, registration=registration, reason=reason
    )


def _wait(registration: Registration) -> None:
    """Waiting on Twilio's review: polling moves on; this is the safety net if a kick is lost."""
    _save(
        registration,
        next_run_at=timezone.now() + _seconds("A2P_CHAIN_RECHECK_SECONDS", 300),
        last_error_code=None,
        last_error_message="",
        attempts=0,
    )


def _run_chain(registration: Registration) -> None:
    snapshot = registration.snapshot
    api = _api_for(registration.tenant)
    cp, tp = registration.customer_profile, registration.trust_product

    _set_step(registration, Registration.Step.CUSTOMER_PROFILE)
    _ensure_customer_profile(api, registration, cp, snapshot)
    if cp.status == ReviewStatus.REJECTED:
        return _reject(registration, _reason("business profile", cp))
    if cp.status == ReviewStatus.DRAFT:
        return _wait(registration)
    if registration.status == Registration.Status.SUBMITTED:
        _transition(registration, Registration.Status.IN_REVIEW, registration=registration)

    _set_step(registration, Registration.Step.TRUST_PRODUCT)
    _ensure_trust_product(api, registration, tp, cp, snapshot)
    if tp.status == ReviewStatus.REJECTED:
        return _reject(registration, _reason("messaging profile", tp))
    if tp.status == ReviewStatus.DRAFT:
        return _wait(registration)

    _set_step(registration, Registration.Step.BRAND)
    brand = _ensure_brand(api, registration, cp, tp)
    if brand.status == ReviewStatus.REJECTED:
        return _reject(registration, _reason("brand", brand))
    for bundle, words in ((cp, "business profile"), (tp, "messaging profile")):
        if bundle.status == ReviewStatus.REJECTED:
            return _reject(registration, _reason(words, bundle))

    _set_step(registration, Registration.Step.MESSAGING_SERVICE)
    _ensure_messaging_service(api, registration)
    if brand.status != ReviewStatus.APPROVED:
        _set_step(registration, Registration.Step.BRAND)
        return _wait(registration)

    _set_step(registration, Registration.Step.CAMPAIGN)
    campaign = _ensure_campaign(api, registration, brand, snapshot)
    if campaign is None or campaign.status == ReviewStatus.REJECTED:
        return _reject(registration, _reason("campaign", campaign) if campaign else "")
    if campaign.status != ReviewStatus.APPROVED:
        return _wait(registration)
    _finish(api, registration)
    return None


def _reason(words: str, obj: TwilioReviewed) -> str:
    detail = obj.failure_reason or "; ".join(e.get("message", "") for e in obj.errors or [])
    return f"The {words} was rejected: {detail or 'no reason given'}"


# --- TrustHub ---------------------------------------------------------------------------


def business_attributes(snapshot: dict[str, Any]) -> dict[str, Any]:
    attributes = {
        "business_name": snapshot["legal_name"],
        "business_identity": "direct_customer",
        "business_industry": snapshot["industry"],
        "business_regions_of_operation": snapshot.get("regions_of_operation") or "USA_AND_CANADA",
        "business_type": vocab.TWILIO_BUSINESS_TYPES.get(snapshot["business_type"], ""),
        "website_url": snapshot.get("website", ""),
    }
    if snapshot.get("ein"):
        attributes["business_registration_identifier"] = "EIN"
        attributes["business_registration_number"] = snapshot["ein"]
    return attributes


def representative_attributes(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {
        "first_name": snapshot["rep_first_name"],
        "last_name": snapshot["rep_last_name"],
        "email": snapshot["rep_email"],
        "phone_number": snapshot["rep_phone"],
        "business_title": snapshot["rep_business_title"],
        "job_position": snapshot["rep_job_position"],
    }


def messaging_profile_attributes(snapshot: dict[str, Any]) -> dict[str, Any]:
    attributes = {"company_type": snapshot.get("company_type") or "private"}
    if attributes["company_type"] == vocab.CompanyType.PUBLIC:
        attributes["stock_exchange"] = snapshot["stock_exchange"]
        attributes["stock_ticker"] = snapshot["stock_ticker"]
        attributes["brand_contact_email"] = snapshot["brand_contact_email"]
    return attributes


def _end_user(api: _Api, name: str, type_: str, attributes: dict[str, Any]) -> str:
    found = api(gateway.find_end_user, name)
    if found is not None:
        return found.sid
    return api(gateway.create_end_user, friendly_name=name, type=type_, attributes=attributes).sid


def _address(api: _Api, name: str, snapshot: dict[str, Any], customer_name: str) -> str:
    found = api(gateway.find_address, name)
    if found is not None:
        return found.sid
    return api(
        gateway.create_address,
        friendly_name=name,
        customer_name=customer_name,
        street=snapshot["address_street"],
        street_secondary=snapshot.get("address_street2") or None,
        city=snapshot["address_city"],
        region=snapshot["address_region"],
        postal_code=snapshot["address_postal_code"],
        iso_country=snapshot.get("address_country") or "US",
    ).sid


def _address_document(api: _Api, name: str, address_sid: str) -> str:
    found = api(gateway.find_supporting_document, name)
    if found is not None:
        return found.sid
    return api(
        gateway.create_supporting_document,
        friendly_name=name,
        type=vocab.ADDRESS_DOCUMENT_TYPE,
        attributes={"address_sids": address_sid},
    ).sid


def _bundle_sid(api: _Api, kind: str, name: str, policy_sid: str) -> gateway.TrustBundle:
    found = api(gateway.find_trust_bundles, kind, friendly_name=name)
    if found:
        return found[0]
    return api(
        gateway.create_trust_bundle,
        kind,
        friendly_name=name,
        email=isv_email(),
        policy_sid=policy_sid,
        status_callback=trusthub_callback_url(),
    )


def _assign(api: _Api, kind: str, row: CustomerProfile | TrustProduct, objects: list[str]) -> None:
    missing = [sid for sid in objects if sid not in row.assignments]
    if not missing:
        return
    existing = {a.object_sid: a.sid for a in api(gateway.list_bundle_assignments, kind, row.sid)}
    for object_sid in missing:
        sid = existing.get(object_sid)
        if sid is None:
            try:
                sid = api(gateway.assign_to_bundle, kind, row.sid, object_sid).sid
            except gateway.RejectedRequest as err:
                if err.status != 409:
                    raise
                # Assigned meanwhile (a concurrent or crashed run): adopt that assignment.
                listed = api(gateway.list_bundle_assignments, kind, row.sid)
                sid = next(a.sid for a in listed if a.object_sid == object_sid)
        row.assignments = {**row.assignments, object_sid: sid}
        _save(row, assignments=row.assignments)


# Evaluation field -> the wizard field the owner fixes.
EVALUATION_FIELDS = {
    "business_name": "legal_name",
    "business_registration_number": "ein",
    "business_registration_identifier": "ein",
    "business_type": "business_type",
    "business_industry": "industry",
    "business_regions_of_operation": "regions_of_operation",
    "website_url": "website",
    "first_name": "rep_first_name",
    "last_name": "rep_last_name",
    "email": "rep_email",
    "phone_number": "rep_phone",
    "business_title": "rep_business_title",
    "job_position": "rep_job_position",
    "company_type": "company_type",
    "stock_exchange": "stock_exchange",
    "stock_ticker": "stock_ticker",
    "brand_contact_email": "brand_contact_email",
    "address_sids": "address_street",
}


def evaluation_errors(results: tuple[dict, ...] | list[dict]) -> list[dict[str, Any]]:
    """TrustHub's failed requirements in words the owner understands, with the form field."""
    errors: list[dict[str, Any]] = []
    for result in results:
        if result.get("passed"):
            continue
        invalid = result.get("invalid") or []
        requirement = result.get("requirement_friendly_name") or result.get("friendly_name") or ""
        if not invalid:
            errors.append(
                {
                    "code": result.get("error_code"),
                    "field": "",
                    "message": f"{requirement or 'A requirement'} is missing: "
                    f"{result.get('failure_reason') or 'Twilio needs it before review'}.",
                }
            )
        for item in invalid:
            name = item.get("object_field") or ""
            errors.append(
                {
                    "code": item.get("error_code"),
                    "field": EVALUATION_FIELDS.get(name, ""),
                    "message": f"{vocab.field_words(name).capitalize()}: "
                    f"{item.get('failure_reason') or 'is not valid'}.",
                }
            )
    return errors


def _apply_bundle(
    row: CustomerProfile | TrustProduct, bundle: gateway.TrustBundle, registration: Registration
) -> bool:
    status = BUNDLE_STATUSES.get(bundle.status)
    errors = [
        {"code": e.get("code"), "field": "", "message": e.get("message") or str(e)}
        for e in bundle.errors
    ]
    fields: dict[str, Any] = {"raw_status": bundle.status}
    if errors:
        fields["errors"] = errors
        fields["failure_reason"] = "; ".join(e["message"] for e in errors)
    _save(row, **fields)
    if status is None:
        return False
    reason = row.failure_reason if status == ReviewStatus.REJECTED else ""
    return _transition(
        row, status, registration=registration, raw_status=bundle.status, reason=reason
    )


def _evaluate_and_submit(
    api: _Api, kind: str, row: CustomerProfile | TrustProduct, registration: Registration
) -> None:
    current = api(gateway.fetch_trust_bundle, kind, row.sid)
    if current.status != "draft":
        # An earlier run submitted it and stopped before recording that.
        _apply_bundle(row, current, registration)
        _schedule_poll(row)
        return
    evaluation = api(gateway.evaluate_bundle, kind, row.sid, row.policy_sid)
    _save(row, evaluation_sid=evaluation.sid, evaluation_status=evaluation.status)
    if evaluation.status != "compliant":
        errors = evaluation_errors(evaluation.results)
        reason = "Twilio's check found problems: " + "; ".join(e["message"] for e in errors)
        with transaction.atomic():
            _save(row, errors=errors, failure_reason=reason)
            _transition(
                row,
                ReviewStatus.REJECTED,
                registration=registration,
                raw_status=f"evaluation {evaluation.status}",
                reason=reason,
            )
        return
    submitted = api(gateway.submit_trust_bundle, kind, row.sid)
    with transaction.atomic():
        _apply_bundle(row, submitted, registration)
        _schedule_poll(row)


def _ensure_customer_profile(
    api: _Api, registration: Registration, cp: CustomerProfile, snapshot: dict[str, Any]
) -> None:
    if cp.status != ReviewStatus.DRAFT:
        return
    if not cp.sid:
        bundle = _bundle_sid(api, "customer_profile", cp.friendly_name, cp.policy_sid)
        _save(cp, sid=bundle.sid, raw_status=bundle.status)
    if not cp.business_info_sid:
        sid = _end_user(
            api,
            f"{cp.friendly_name} business information",
            vocab.BUSINESS_INFO_TYPE,
            business_attributes(snapshot),
        )
        _save(cp, business_info_sid=sid)
    if not cp.representative_sids:
        sid = _end_user(
            api,
            f"{cp.friendly_name} authorized representative 1",
            vocab.REPRESENTATIVE_TYPES[0],
            representative_attributes(snapshot),
        )
        _save(cp, representative_sids=[sid])
    if not cp.address_sid:
        sid = _address(api, f"{cp.friendly_name} address", snapshot, snapshot["legal_name"])
        _save(cp, address_sid=sid)
    if not cp.address_document_sid:
        sid = _address_document(api, f"{cp.friendly_name} address document", cp.address_sid)
        _save(cp, address_document_sid=sid)
    objects = [cp.business_info_sid, *cp.representative_sids, cp.address_document_sid]
    objects.append(isv_primary_profile_sid())
    _assign(api, "customer_profile", cp, objects)
    _evaluate_and_submit(api, "customer_profile", cp, registration)


def _ensure_trust_product(
    api: _Api,
    registration: Registration,
    tp: TrustProduct,
    cp: CustomerProfile,
    snapshot: dict[str, Any],
) -> None:
    if tp.status != ReviewStatus.DRAFT:
        return
    if not tp.sid:
        bundle = _bundle_sid(api, "trust_product", tp.friendly_name, tp.policy_sid)
        _save(tp, sid=bundle.sid, raw_status=bundle.status)
    if not tp.profile_info_sid:
        sid = _end_user(
            api,
            f"{tp.friendly_name} messaging profile information",
            vocab.A2P_PROFILE_INFO_TYPE,
            messaging_profile_attributes(snapshot),
        )
        _save(tp, profile_info_sid=sid)
    _assign(api, "trust_product", tp, [tp.profile_info_sid, cp.sid])
    _evaluate_and_submit(api, "trust_product", tp, registration)


# --- the platform's own primary customer profile ----------------------------------------

SANDBOX_ISV = {
    "legal_name": "isvplatform Sandbox Reseller LLC",
    "business_type": "llc",
    "industry": "TECHNOLOGY",
    "regions_of_operation": "USA_AND_CANADA",
    "ein": "84-1234567",
    "website": "https://isvplatform.example.com",
    "address_street": "100 Platform Way",
    "address_city": "San Francisco",
    "address_region": "CA",
    "address_postal_code": "94105",
    "address_country": "US",
    "rep_first_name": "Pat",
    "rep_last_name": "Platform",
    "rep_email": "compliance@isvplatform.example.com",
    "rep_phone": "+14155550199",
    "rep_business_title": "Compliance lead",
    "rep_job_position": "Director",
}
PRIMARY_PROFILE_NAME = "isvplatform primary customer profile"


def isv_primary_profile_sid() -> str:
    """The vendor's approved primary customer profile, which every secondary one is assigned.

    Configured with TWILIO_PRIMARY_CUSTOMER_PROFILE_SID (created in the Twilio console), or
    found in the master account. In sandbox mode the platform registers its own, once, and
    the chain waits for the sandbox to approve it.
    """
    configured = getattr(settings, "TWILIO_PRIMARY_CUSTOMER_PROFILE_SID", "")
    if configured:
        return configured
    api = _Api(gateway.master_client(), settings.TWILIO_ACCOUNT_SID)
    bundles = api(
        gateway.find_trust_bundles, "customer_profile", policy_sid=vocab.PRIMARY_PROFILE_POLICY
    )
    for bundle in bundles:
        if bundle.status == "twilio-approved":
            return bundle.sid
    if getattr(settings, "TWILIO_MODE", "sandbox") != "sandbox":
        raise ChainWaiting(
            "The platform has no approved primary customer profile in Twilio: create one in "
            "the Twilio console (Trust Hub) and set TWILIO_PRIMARY_CUSTOMER_PROFILE_SID."
        )
    if not any(b.status in ("pending-review", "in-review") for b in bundles):
        _register_sandbox_primary(api)
    raise ChainWaiting("Waiting for the platform's primary customer profile to be approved.")


def _register_sandbox_primary(api: _Api) -> None:
    facts = SANDBOX_ISV
    bundle = _bundle_sid(
        api, "customer_profile", PRIMARY_PROFILE_NAME, vocab.PRIMARY_PROFILE_POLICY
    )
    if bundle.status != "draft":
        return
    objects = [
        _end_user(
            api,
            f"{PRIMARY_PROFILE_NAME} business information",
            vocab.BUSINESS_INFO_TYPE,
            {**business_attributes(facts), "business_identity": "isv_reseller_or_partner"},
        ),
        _end_user(
            api,
            f"{PRIMARY_PROFILE_NAME} authorized representative 1",
            vocab.REPRESENTATIVE_TYPES[0],
            representative_attributes(facts),
        ),
        _address_document(
            api,
            f"{PRIMARY_PROFILE_NAME} address document",
            _address(api, f"{PRIMARY_PROFILE_NAME} address", facts, facts["legal_name"]),
        ),
    ]
    assigned = {
        a.object_sid for a in api(gateway.list_bundle_assignments, "customer_profile", bundle.sid)
    }
    for object_sid in objects:
        if object_sid not in assigned:
            api(gateway.assign_to_bundle, "customer_profile", bundle.sid, object_sid)
    evaluation = api(
        gateway.evaluate_bundle, "customer_profile", bundle.sid, vocab.PRIMARY_PROFILE_POLICY
    )
    if evaluation.status != "compliant":
        raise ChainWaiting(f"The platform's primary profile is {evaluation.status}.")
    api(gateway.submit_trust_bundle, "customer_profile", bundle.sid)


# --- brand ------------------------------------------------------------------------------


def _apply_brand(
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
    _save(
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
    return _transition(
        brand,
        status,
        registration=registration,
        raw_status=found.status,
        reason=reason if status == ReviewStatus.REJECTED else "",
    )


def _ensure_brand(
    api: _Api, registration: Registration, cp: CustomerProfile, tp: TrustProduct
) -> A2PBrand:
    brand = registration.brand
    if brand is None:
        brand = A2PBrand.objects.create(
            tenant=registration.tenant,
            customer_profile=cp,
            trust_product=tp,
            brand_type=registration.brand_type,
        )
        _save(registration, brand=brand)
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
        _save(brand, sid=found.sid)
        _apply_brand(brand, found, registration)
        _schedule_poll(brand)
    return brand


# --- messaging service ------------------------------------------------------------------


def _service_name(tenant: Tenant, version: int | None = None) -> str:
    suffix = f" v{version}" if version else ""
    return f"{tenant.name[:40]} (isv {tenant.pk}){suffix}"


def _service_row(tenant: Tenant, sid: str, name: str, inbound: str, status: str):
    account = tenant_account(tenant)
    row, _ = MessagingService.objects.get_or_create(
        sid=sid,
        defaults={
            "tenant": tenant,
            "subaccount": account.subaccount,
            "friendly_name": name,
            "inbound_request_url": inbound,
            "status_callback": status,
            "sticky_sender": True,
        },
    )
    return row


def _create_service(api: _Api, name: str) -> gateway.MessagingServiceInfo:
    from provisioning.numbers import webhook_urls

    found = api(gateway.find_messaging_service, name)
    if found is not None:
        return found
    inbound, status = webhook_urls()
    return api(
        gateway.create_messaging_service,
        friendly_name=name,
        inbound_request_url=inbound,
        status_callback=status,
        sticky_sender=True,
        use_inbound_webhook_on_number=False,
    )


def _numbers_to_attach(tenant: Tenant):
    return active_numbers(tenant).filter(sms_enabled=True)


def _attach_numbers(api: _Api, tenant: Tenant, service: MessagingService) -> None:
    """Every active SMS number of the tenant in the service's pool (and on its row)."""
    numbers = list(_numbers_to_attach(tenant))
    if all(number.messaging_service_id == service.pk for number in numbers):
        return
    present = set(api(gateway.list_service_number_sids, service.sid))
    for number in numbers:
        if number.sid not in present:
            try:
                api(gateway.add_number_to_service, service.sid, number.sid)
            except gateway.RejectedRequest as err:
                if err.code == 21712:
                    # In another service (set up outside the platform): leave it there.
                    logger.warning("%s is in another messaging service; not attached", number)
                    continue
                if err.code != 21710:  # already in this service
                    raise
        if number.messaging_service_id != service.pk:
            PhoneNumber.objects.filter(pk=number.pk).update(messaging_service=service)


def _ensure_messaging_service(api: _Api, registration: Registration) -> None:
    """The tenant's service with its numbers; a fresh one when an approved campaign is live
    on the tenant's, so the approved version keeps sending until this one is verified."""
    from provisioning.numbers import webhook_urls

    tenant = registration.tenant
    live = messaging_service_for(tenant)
    active = active_registration(tenant)
    if not registration.messaging_service_sid:
        live_campaign = (
            active is not None
            and active.campaign is not None
            and live is not None
            and active.campaign.messaging_service_sid == live.sid
        )
        if live_campaign:
            info = _create_service(api, _service_name(tenant, registration.version))
            _save(registration, messaging_service_sid=info.sid, needs_cutover=True)
        else:
            if live is None:
                info = _create_service(api, _service_name(tenant))
                inbound, status = webhook_urls()
                live = _service_row(tenant, info.sid, info.friendly_name, inbound, status)
            _save(registration, messaging_service_sid=live.sid, needs_cutover=False)
    if not registration.needs_cutover:
        service = (
            MessagingService.objects.for_tenant(tenant)
            .filter(sid=registration.messaging_service_sid)
            .first()
        )
        if service is not None:
            _attach_numbers(api, tenant, service)


# --- campaign ---------------------------------------------------------------------------


def _apply_campaign(
    campaign: A2PCampaign, found: gateway.UsAppToPerson, registration: Registration | None
) -> bool:
    errors = [
        {
            "code": e.get("code") or e.get("error_code"),
            "field": (e.get("fields") or [e.get("field") or ""])[0] or "",
            "message": e.get("description") or e.get("message") or str(e),
        }
        for e in found.errors
    ]
    reason = "; ".join(e["message"] for e in errors)
    _save(
        campaign,
        raw_status=found.status,
        campaign_id=found.campaign_id or "",
        rate_limits=found.rate_limits,
        errors=errors,
        failure_reason=reason,
    )
    status = CAMPAIGN_STATUSES.get(found.status)
    if status is None:
        return False
    return _transition(
        campaign,
        status,
        registration=registration,
        raw_status=found.status,
        reason=reason if status == ReviewStatus.REJECTED else "",
    )


def _ensure_campaign(
    api: _Api, registration: Registration, brand: A2PBrand, snapshot: dict[str, Any]
) -> A2PCampaign | None:
    if registration.campaign is not None:
        return registration.campaign
    service_sid = registration.messaging_service_sid
    existing = api(gateway.list_a2p_campaigns, service_sid)
    mine = next((c for c in existing if c.brand_registration_sid == brand.sid), None)
    for stale in existing:
        if stale is not mine:
            # A failed campaign of an earlier version: a service holds one campaign only.
            api(gateway.delete_a2p_campaign, service_sid, stale.sid)
            A2PCampaign.objects.filter(messaging_service_sid=service_sid).exclude(
                status=ReviewStatus.REJECTED
            ).update(status=ReviewStatus.REJECTED, next_poll_at=None)
    if mine is None:
        allowed = api(gateway.list_a2p_use_cases, service_sid, brand.sid)
        if snapshot["use_case"] not in allowed:
            raise gateway.RejectedRequest(
                f"The brand may not register the {snapshot['use_case']} use case; it may "
                f"register: {', '.join(allowed) or 'none'}.",
                status=400,
            )
        mine = api(
            gateway.create_a2p_campaign,
            service_sid,
            brand_sid=brand.sid,
            use_case=snapshot["use_case"],
            description=snapshot["description"],
            message_flow=snapshot["message_flow"],
            message_samples=snapshot["sample_messages"],
            has_embedded_links=snapshot["has_embedded_links"],
            has_embedded_phone=snapshot["has_embedded_phone"],
            opt_in_message=snapshot.get("opt_in_message") or None,
            opt_out_message=snapshot.get("opt_out_message") or None,
            help_message=snapshot.get("help_message") or None,
            opt_in_keywords=snapshot.get("opt_in_keywords") or (),
            opt_out_keywords=snapshot.get("opt_out_keywords") or (),
            help_keywords=snapshot.get("help_keywords") or (),
            subscriber_opt_in=True,
            age_gated=snapshot["age_gated"],
            direct_lending=snapshot["direct_lending"],
            privacy_policy_url=snapshot.get("privacy_policy_url") or None,
            terms_and_conditions_url=snapshot.get("terms_url") or None,
        )
    with transaction.atomic():
        campaign = A2PCampaign.objects.create(
            tenant=registration.tenant,
            brand=brand,
            messaging_service_sid=service_sid,
            use_case=snapshot["use_case"],
            sid=mine.sid,
        )
        _save(registration, campaign=campaign)
        _transition(
            campaign, ReviewStatus.SUBMITTED, registration=registration, raw_status=mine.status
        )
        _apply_campaign(campaign, mine, registration)
        _schedule_poll(campaign)
    return campaign


# --- approval and cut-over --------------------------------------------------------------


def _cutover(api: _Api, registration: Registration) -> None:
    """Move the tenant's numbers to the new version's service and retire the old one."""
    from provisioning.numbers import webhook_urls

    tenant = registration.tenant
    old = messaging_service_for(tenant)
    inbound, status = webhook_urls()
    new = _service_row(
        tenant,
        registration.messaging_service_sid,
        _service_name(tenant, registration.version),
        inbound,
        status,
    )
    if old is not None and old.pk != new.pk:
        in_old = set(api(gateway.list_service_number_sids, old.sid))
        for number in _numbers_to_attach(tenant):
            if number.sid in in_old:
                api(gateway.remove_number_from_service, old.sid, number.sid)
    _attach_numbers(api, tenant, new)
    if old is not None and old.pk != new.pk:
        with contextlib.suppress(gateway.NotFoundError):
            api(gateway.delete_messaging_service, old.sid)
        try:
            old.delete()
        except ProtectedError:
            logger.info("messaging service row %s is referenced; kept", old.pk)


def _finish(api: _Api, registration: Registration) -> None:
    if registration.needs_cutover:
        _cutover(api, registration)
    with transaction.atomic():
        previous = (
            Registration.objects.for_tenant(registration.tenant)
            .select_for_update()
            .filter(is_active=True)
            .exclude(pk=registration.pk)
            .first()
        )
        if previous is not None:
            _save(previous, is_active=False)
            _transition(
                previous,
                Registration.Status.SUPERSEDED,
                registration=previous,
                reason=f"Version {registration.version} was approved.",
            )
        _save(registration, is_active=True, step=Registration.Step.DONE, next_run_at=None)
        _transition(registration, Registration.Status.APPROVED, registration=registration)


# --- polling ----------------------------------------------------------------------------

POLLED_MODELS: dict[str, type[TwilioReviewed]] = {
    model.step: model for model in (CustomerProfile, TrustProduct, A2PBrand, A2PCampaign)
}


def _schedule_poll(obj: TwilioReviewed) -> None:
    if obj.is_final:
        if obj.next_poll_at is not None:
            _save(obj, next_poll_at=None)
        return
    _save(obj, next_poll_at=timezone.now() + poll_delay(obj.poll_attempts))


def due_polls(now: datetime | None = None, limit: int = 500) -> list[tuple[str, str]]:
    """(step, id) of every non-final object whose next poll is due."""
    now = now or timezone.now()
    due: list[tuple[str, str]] = []
    for step, model in POLLED_MODELS.items():
        ids = (
            model.objects.filter(next_poll_at__lte=now)
            .exclude(status__in=[ReviewStatus.APPROVED, ReviewStatus.REJECTED])
            .exclude(sid="")
            .order_by("next_poll_at")
            .values_list("pk", flat=True)[:limit]
        )
        due += [(step, str(pk)) for pk in ids]
    return due


def _fetch(api: _Api, obj: TwilioReviewed) -> Any:
    if isinstance(obj, CustomerProfile):
        return api(gateway.fetch_trust_bundle, "customer_profile", obj.sid)
    if isinstance(obj, TrustProduct):
        return api(gateway.fetch_trust_bundle, "trust_product", obj.sid)
    if isinstance(obj, A2PBrand):
        return api(gateway.fetch_brand_registration, obj.sid)
    return api(gateway.fetch_a2p_campaign, obj.messaging_service_sid, obj.sid)


def _registrations_of(obj: TwilioReviewed):
    field = {
        "customer_profile": "customer_profile",
        "trust_product": "trust_product",
        "brand": "brand",
        "campaign": "campaign",
    }[obj.step]
    return Registration.objects.filter(**{field: obj}).order_by("-version")


def poll_object(step: str, object_id: str, *, force: bool = False) -> TwilioReviewed | None:
    """Fetch one object from Twilio and apply its status; idempotent, and a no-op once final.

    Claims the poll by pushing `next_poll_at` ahead, so a duplicate task skips it. A failed
    fetch (outage, rate limit) keeps the state, records the error and backs off.
    """
    model = POLLED_MODELS[step]
    now = timezone.now()
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(pk=object_id).first()
        if obj is None or obj.is_final or not obj.sid:
            return obj
        if not force and (obj.next_poll_at is None or obj.next_poll_at > now):
            return obj
        _save(obj, next_poll_at=now + POLL_LEASE)
    try:
        found = _fetch(_api_for(obj.tenant), obj)
    except (gateway.GatewayError, ChainWaiting, NoTwilioAccount) as err:
        code = getattr(err, "code", None)
        message = getattr(err, "message", "") or str(err)
        attempts = obj.poll_attempts + 1
        _save(
            obj,
            last_error_code=code,
            last_error_message=message,
            poll_attempts=attempts,
            last_polled_at=now,
            next_poll_at=now + poll_delay(attempts),
        )
        return obj
    registrations = list(_registrations_of(obj))
    current = next(
        (r for r in registrations if r.is_open), registrations[0] if registrations else None
    )
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=obj.pk)
        if isinstance(obj, A2PBrand):
            changed = _apply_brand(obj, found, current)
            if obj.is_approved and changed:
                _record_vetting(obj)
        elif isinstance(obj, A2PCampaign):
            changed = _apply_campaign(obj, found, current)
        else:
            changed = _apply_bundle(obj, found, current)
        attempts = 0 if changed else obj.poll_attempts + 1
        _save(
            obj,
            poll_attempts=attempts,
            last_polled_at=now,
            last_error_code=None,
            last_error_message="",
            next_poll_at=None if obj.is_final else now + poll_delay(attempts),
        )
        if changed:
            for registration in registrations:
                if registration.is_open:
                    _enqueue_run(registration.pk)
    return obj


def _record_vetting(brand: A2PBrand) -> None:
    """The secondary vetting behind a standard brand's trust score, when there is one."""
    try:
        vettings = _api_for(brand.tenant)(gateway.list_brand_vettings, brand.sid)
    except (gateway.GatewayError, ChainWaiting, NoTwilioAccount) as err:
        logger.info("brand %s vettings not read: %s", brand.sid, err)
        return
    if vettings:
        latest = max(vettings, key=lambda v: v.date_updated or timezone.now())
        _save(
            brand,
            vetting_sid=latest.sid,
            vetting_status=latest.status,
            vetting_class=latest.vetting_class or "",
        )


def registration_repoll(*, registration: Registration, actor: Actor) -> Registration:
    """Poll every undecided object of a version now, then continue its chain (staff action)."""
    record_audit(
        tenant=registration.tenant,
        actor=actor,
        action="a2p.registration.repolled",
        target=registration,
    )
    for obj in (
        registration.customer_profile,
        registration.trust_product,
        registration.brand,
        registration.campaign,
    ):
        if obj is not None and obj.sid and not obj.is_final:
            poll_object(obj.step, str(obj.pk), force=True)
    if registration.is_open:
        registration_run(registration.pk)
    registration.refresh_from_db()
    return registration


def poll_bundle_by_sid(sid: str) -> TwilioReviewed | None:
    """A TrustHub status callback names a bundle: poll it now (the fetch is authoritative)."""
    for model in (CustomerProfile, TrustProduct):
        obj = model.objects.filter(sid=sid).first()
        if obj is not None:
            return poll_object(obj.step, str(obj.pk), force=True)
    return None


def due_runs(now: datetime | None = None) -> list[str]:
    now = now or timezone.now()
    return [
        str(pk)
        for pk in Registration.objects.filter(
            status__in=Registration.OPEN_STATUSES, next_run_at__lte=now
        ).values_list("pk", flat=True)[:500]
    ]
