"""messaging.twilio.com/v1/Tollfree/Verifications: create, list, fetch, edit, delete."""

from __future__ import annotations

from sandbox.core import formats
from sandbox.core.errors import TwilioError, invalid_param, not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.phone_numbers.models import PhoneNumber
from sandbox.resources.tollfree_verifications import fields, lifecycle
from sandbox.resources.tollfree_verifications.models import TollfreeVerification

BASE = "https://messaging.twilio.com/v1/Tollfree/Verifications"
PROFILES = "https://trusthub.twilio.com/v1/CustomerProfiles"
S = TollfreeVerification.Status
SUBMITTED_KEYS = tuple(fields.snake(n) for n in (*fields.EDITABLE, *fields.CREATE_ONLY))


def verification_json(verification: TollfreeVerification) -> dict:
    data = verification.fields
    body = {key: data.get(key) for key in SUBMITTED_KEYS}
    for key in ("use_case_categories", "opt_in_image_urls", "opt_in_keywords"):
        body[key] = data.get(key) or ([] if key != "opt_in_keywords" else None)
    profile = data.get("customer_profile_sid") or None
    first = verification.rejection_reasons[0] if verification.rejection_reasons else None
    body.update(
        {
            "sid": verification.sid,
            "account_sid": verification.account.sid,
            "customer_profile_sid": profile,
            "trust_product_sid": None,
            "regulated_item_sid": None,
            "date_created": formats.iso8601(verification.date_created),
            "date_updated": formats.iso8601(verification.date_updated),
            "tollfree_phone_number_sid": verification.phone_number_sid,
            "tollfree_phone_number": verification.phone_number,
            "status": verification.status,
            "url": f"{BASE}/{verification.sid}",
            "rejection_reason": first["reason"] if first else None,
            "error_code": first["code"] if first else None,
            "rejection_reasons": verification.rejection_reasons or None,
            "edit_allowed": verification.edit_allowed,
            "edit_expiration": formats.iso8601(verification.edit_expiration),
            "resource_links": {
                "customer_profile": f"{PROFILES}/{profile}" if profile else None,
                "trust_product": None,
                "channel_endpoint_assignment": None,
            },
            "vetting_id_expiration": None,
        }
    )
    return body


def _toll_free_number(req: SandboxRequest) -> PhoneNumber:
    sid = req.require("TollfreePhoneNumberSid")
    number = PhoneNumber.objects.filter(sid=sid, account=req.account).first()
    if number is None or number.kind != PhoneNumber.Kind.TOLL_FREE:
        raise invalid_param(
            "TollfreePhoneNumberSid", f"{sid} is not a toll-free phone number of this account"
        )
    return number


@route("messaging", "POST", "/v1/Tollfree/Verifications", status=201)
def create_verification(req: SandboxRequest) -> dict:
    number = _toll_free_number(req)
    values = fields.read(req, (*fields.EDITABLE, *fields.CREATE_ONLY))
    fields.check_complete(values)
    if (
        TollfreeVerification.objects.filter(phone_number_sid=number.sid)
        .exclude(status=S.TWILIO_REJECTED)
        .exists()
    ):
        raise TwilioError(21200, 400, f"A verification for {number.phone_number} already exists")
    verification = TollfreeVerification.objects.create(
        sid=new_sid("HH"),
        account=req.account,
        phone_number_sid=number.sid,
        phone_number=number.phone_number,
        fields=values,
        next_transition_at=req.now + lifecycle.REVIEW_START,
        date_created=req.now,
        date_updated=req.now,
    )
    return verification_json(verification)


def _scope(req: SandboxRequest):
    rows = TollfreeVerification.objects.select_related("account")
    if req.q_bool("IncludeSubAccounts", False):
        return rows.filter(account__in=[req.account, *req.account.subaccounts.all()])
    return rows.filter(account=req.account)


@route("messaging", "GET", "/v1/Tollfree/Verifications")
def list_verifications(req: SandboxRequest) -> dict:
    rows = _scope(req)
    if req.q("TollfreePhoneNumberSid"):
        rows = rows.filter(phone_number_sid=req.q("TollfreePhoneNumberSid"))
    if req.q("Status"):
        rows = rows.filter(status=req.q("Status"))
    if req.q("ExternalReferenceId"):
        rows = rows.filter(fields__external_reference_id=req.q("ExternalReferenceId"))
    if req.query.get("TrustProductSid"):
        rows = rows.none()  # no verification here carries a trust product
    return meta_page(req, "verifications", rows.order_by("date_created", "id"), verification_json)


def _verification(req: SandboxRequest) -> TollfreeVerification:
    verification = (
        TollfreeVerification.objects.select_related("account")
        .filter(sid=req.arg("Sid"), account=req.account)
        .first()
    )
    if verification is None:
        raise not_found(req.path)
    return verification


@route("messaging", "GET", "/v1/Tollfree/Verifications/{Sid}")
def fetch_verification(req: SandboxRequest) -> dict:
    return verification_json(_verification(req))


@route("messaging", "POST", "/v1/Tollfree/Verifications/{Sid}", status=202)
def edit_verification(req: SandboxRequest) -> dict:
    """A rejected verification may be edited while its edit window is open; it goes back to
    review in the priority queue. After the window, only a new verification helps (30824)."""
    verification = _verification(req)
    if verification.status != S.TWILIO_REJECTED or not verification.edit_allowed:
        raise TwilioError(
            21200,
            400,
            f"Only a rejected verification whose reasons are editable can be edited "
            f"({verification.status})",
        )
    if verification.edit_expiration and req.now > verification.edit_expiration:
        raise TwilioError(30824, 400, "Edit time expired")
    values = {**verification.fields, **fields.read(req, fields.EDITABLE)}
    fields.check_complete(values)
    values["edit_reason"] = req.get("EditReason") or ""
    verification.fields = values
    verification.status = S.IN_REVIEW
    verification.rejection_reasons = []
    verification.edit_allowed, verification.edit_expiration = None, None
    verification.next_transition_at = req.now + lifecycle.REVIEW_DECISION
    verification.date_updated = req.now
    verification.save()
    return verification_json(verification)


@route("messaging", "DELETE", "/v1/Tollfree/Verifications/{Sid}")
def delete_verification(req: SandboxRequest) -> None:
    _verification(req).delete()
