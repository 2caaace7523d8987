"""TrustHub: the customer profile and the A2P trust product, with their end users, address,
supporting document, assignments and evaluation, and the platform's own primary profile."""

from typing import Any

from django.conf import settings
from django.db import transaction

from compliance import vocab
from compliance.models import CustomerProfile, Registration, ReviewStatus, TrustProduct
from compliance.services.common import (
    Api,
    ChainWaiting,
    isv_email,
    save_fields,
    schedule_poll,
    trusthub_callback_url,
)
from compliance.services.transitions import BUNDLE_STATUSES, transition
from isvplatform import gateway


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


def _end_user(api: Api, name: str, type_: str, attributes: dict[str, Any]) -> str:
    found = api(gateway.find_end_user, name)
    if found is not None:
        return found.sid
    return api(gateway.create_end_user, friendly_name=name, type=type_, attributes=attributes).sid


def _address(api: Api, name: str, snapshot: dict[str, Any], customer_name: str) -> str:
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


def _address_document(api: Api, name: str, address_sid: str) -> str:
    found = api(gateway.find_supporting_document, name)
    if found is not None:
        return found.sid
    return api(
        gateway.create_supporting_document,
        friendly_name=name,
        type=vocab.ADDRESS_DOCUMENT_TYPE,
        attributes={"address_sids": address_sid},
    ).sid


def _bundle_sid(api: Api, kind: str, name: str, policy_sid: str) -> gateway.TrustBundle:
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


def _assign(api: Api, kind: str, row: CustomerProfile | TrustProduct, objects: list[str]) -> None:
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
        save_fields(row, assignments=row.assignments)


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


def apply_bundle(
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
    save_fields(row, **fields)
    if status is None:
        return False
    reason = row.failure_reason if status == ReviewStatus.REJECTED else ""
    return transition(
        row, status, registration=registration, raw_status=bundle.status, reason=reason
    )


def _evaluate_and_submit(
    api: Api, kind: str, row: CustomerProfile | TrustProduct, registration: Registration
) -> None:
    current = api(gateway.fetch_trust_bundle, kind, row.sid)
    if current.status != "draft":
        # An earlier run submitted it and stopped before recording that.
        apply_bundle(row, current, registration)
        schedule_poll(row)
        return
    evaluation = api(gateway.evaluate_bundle, kind, row.sid, row.policy_sid)
    save_fields(row, evaluation_sid=evaluation.sid, evaluation_status=evaluation.status)
    if evaluation.status != "compliant":
        errors = evaluation_errors(evaluation.results)
        reason = "Twilio's check found problems: " + "; ".join(e["message"] for e in errors)
        with transaction.atomic():
            save_fields(row, errors=errors, failure_reason=reason)
            transition(
                row,
                ReviewStatus.REJECTED,
                registration=registration,
                raw_status=f"evaluation {evaluation.status}",
                reason=reason,
            )
        return
    submitted = api(gateway.submit_trust_bundle, kind, row.sid)
    with transaction.atomic():
        apply_bundle(row, submitted, registration)
        schedule_poll(row)


def ensure_customer_profile(
    api: Api, registration: Registration, cp: CustomerProfile, snapshot: dict[str, Any]
) -> None:
    if cp.status != ReviewStatus.DRAFT:
        return
    if not cp.sid:
        bundle = _bundle_sid(api, "customer_profile", cp.friendly_name, cp.policy_sid)
        save_fields(cp, sid=bundle.sid, raw_status=bundle.status)
    if not cp.business_info_sid:
        sid = _end_user(
            api,
            f"{cp.friendly_name} business information",
            vocab.BUSINESS_INFO_TYPE,
            business_attributes(snapshot),
        )
        save_fields(cp, business_info_sid=sid)
    if not cp.representative_sids:
        sid = _end_user(
            api,
            f"{cp.friendly_name} authorized representative 1",
            vocab.REPRESENTATIVE_TYPES[0],
            representative_attributes(snapshot),
        )
        save_fields(cp, representative_sids=[sid])
    if not cp.address_sid:
        sid = _address(api, f"{cp.friendly_name} address", snapshot, snapshot["legal_name"])
        save_fields(cp, address_sid=sid)
    if not cp.address_document_sid:
        sid = _address_document(api, f"{cp.friendly_name} address document", cp.address_sid)
        save_fields(cp, address_document_sid=sid)
    objects = [cp.business_info_sid, *cp.representative_sids, cp.address_document_sid]
    objects.append(isv_primary_profile_sid(sandboxed=registration.tenant.is_demo))
    _assign(api, "customer_profile", cp, objects)
    _evaluate_and_submit(api, "customer_profile", cp, registration)


def ensure_trust_product(
    api: Api,
    registration: Registration,
    tp: TrustProduct,
    cp: CustomerProfile,
    snapshot: dict[str, Any],
) -> None:
    if tp.status != ReviewStatus.DRAFT:
        return
    if not tp.sid:
        bundle = _bundle_sid(api, "trust_product", tp.friendly_name, tp.policy_sid)
        save_fields(tp, sid=bundle.sid, raw_status=bundle.status)
    if not tp.profile_info_sid:
        sid = _end_user(
            api,
            f"{tp.friendly_name} messaging profile information",
            vocab.A2P_PROFILE_INFO_TYPE,
            messaging_profile_attributes(snapshot),
        )
        save_fields(tp, profile_info_sid=sid)
    _assign(api, "trust_product", tp, [tp.profile_info_sid, cp.sid])
    _evaluate_and_submit(api, "trust_product", tp, registration)


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


def isv_primary_profile_sid(*, sandboxed: bool = False) -> str:
    """The vendor's approved primary customer profile, which every secondary one is assigned.

    Live: TWILIO_PRIMARY_CUSTOMER_PROFILE_SID (created in the Twilio console; a start-up check
    requires it), never looked up by a policy SID from secondary sources. In the sandbox
    (sandbox mode, or a demo tenant's chain in any mode) the configured one is used in sandbox
    mode; otherwise the platform registers its own, once, and the chain waits for its approval.
    """
    sandbox_mode = getattr(settings, "TWILIO_MODE", "sandbox") == "sandbox"
    configured = getattr(settings, "TWILIO_PRIMARY_CUSTOMER_PROFILE_SID", "")
    # A configured profile is a real one: a demo tenant's chain in live mode can't use it.
    if configured and (sandbox_mode or not sandboxed):
        return configured
    if not (sandboxed or sandbox_mode):
        raise ChainWaiting(
            "TWILIO_PRIMARY_CUSTOMER_PROFILE_SID is not set: create the platform's primary "
            "customer profile in the Twilio console (Trust Hub) and set it."
        )
    api = Api(gateway.master_client(sandboxed=True), gateway.master_account_sid(sandboxed=True))
    bundles = api(
        gateway.find_trust_bundles, "customer_profile", policy_sid=vocab.PRIMARY_PROFILE_POLICY
    )
    for bundle in bundles:
        if bundle.status == "twilio-approved":
            return bundle.sid
    if not any(b.status in ("pending-review", "in-review") for b in bundles):
        _register_sandbox_primary(api)
    raise ChainWaiting("Waiting for the platform's primary customer profile to be approved.")


def _register_sandbox_primary(api: Api) -> None:
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
