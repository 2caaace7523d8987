"""trusthub.twilio.com/v1: CustomerProfiles, TrustProducts (with EntityAssignments and
Evaluations), EndUsers and SupportingDocuments. The caller's account owns what it creates."""

from __future__ import annotations

import json

from django.db import IntegrityError, transaction

from sandbox.core import formats
from sandbox.core.errors import TwilioError, invalid_param, missing_param, not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import is_sid, new_sid
from sandbox.resources.trusthub import lifecycle, policies
from sandbox.resources.trusthub.models import (
    Bundle,
    EndUser,
    EntityAssignment,
    Evaluation,
    SupportingDocument,
)

BASE = "https://trusthub.twilio.com/v1"
# (path segment, link prefix, child resource key) per bundle kind.
KINDS = {
    Bundle.Kind.CUSTOMER_PROFILE: ("CustomerProfiles", "customer_profiles", "customer_profile"),
    Bundle.Kind.TRUST_PRODUCT: ("TrustProducts", "trust_products", "trust_product"),
}
PARAMS = {
    Bundle.Kind.CUSTOMER_PROFILE: "CustomerProfileSid",
    Bundle.Kind.TRUST_PRODUCT: "TrustProductSid",
}


def bundle_json(bundle: Bundle) -> dict:
    segment, prefix, _ = KINDS[bundle.kind]
    url = f"{BASE}/{segment}/{bundle.sid}"
    return {
        "sid": bundle.sid,
        "account_sid": bundle.account.sid,
        "policy_sid": bundle.policy_sid,
        "friendly_name": bundle.friendly_name,
        "status": bundle.status,
        "valid_until": formats.iso8601(bundle.valid_until),
        "email": bundle.email,
        "status_callback": bundle.status_callback or None,
        "date_created": formats.iso8601(bundle.date_created),
        "date_updated": formats.iso8601(bundle.date_updated),
        "url": url,
        "links": {
            f"{prefix}_entity_assignments": f"{url}/EntityAssignments",
            f"{prefix}_evaluations": f"{url}/Evaluations",
            f"{prefix}_channel_endpoint_assignment": f"{url}/ChannelEndpointAssignments",
        },
        "errors": bundle.errors or None,
    }


def _attributes(req: SandboxRequest) -> dict | None:
    raw = req.get("Attributes")
    if raw is None:
        return None
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        raise invalid_param("Attributes", "Attributes must be a JSON object")
    if not isinstance(value, dict):
        raise invalid_param("Attributes", "Attributes must be a JSON object")
    return value


def _bundle(req: SandboxRequest, kind: str, param: str = "Sid") -> Bundle:
    bundle = (
        Bundle.objects.select_related("account")
        .filter(sid=req.arg(param), kind=kind, account=req.account)
        .first()
    )
    if bundle is None:
        raise not_found(req.path)
    return bundle


def _create_bundle(req: SandboxRequest, kind: str) -> dict:
    for name in ("FriendlyName", "Email", "PolicySid"):
        if not req.get(name):
            raise missing_param(name)
    policy = policies.POLICIES.get(req.get("PolicySid"))
    if policy is None or policy.kind != kind:
        raise TwilioError(22201, 400, f"Invalid PolicySid {req.get('PolicySid')} for this bundle")
    callback = req.get("StatusCallback") or ""
    if callback and not callback.startswith(("http://", "https://")):
        raise invalid_param("StatusCallback")
    bundle = Bundle.objects.create(
        sid=new_sid("BU"),
        account=req.account,
        kind=kind,
        policy_sid=policy.sid,
        friendly_name=req.get("FriendlyName")[:255],
        email=req.get("Email"),
        status_callback=callback,
        date_created=req.now,
        date_updated=req.now,
    )
    return bundle_json(bundle)


def _list_bundles(req: SandboxRequest, kind: str) -> dict:
    bundles = Bundle.objects.select_related("account").filter(account=req.account, kind=kind)
    for param, field in (
        ("Status", "status"),
        ("FriendlyName", "friendly_name"),
        ("PolicySid", "policy_sid"),
    ):
        if req.q(param) is not None:
            bundles = bundles.filter(**{field: req.q(param)})
    return meta_page(req, "results", bundles.order_by("date_created", "id"), bundle_json)


def _update_bundle(req: SandboxRequest, kind: str) -> dict:
    bundle = _bundle(req, kind)
    status = req.get("Status")
    if status is not None and status != bundle.status:
        if status != Bundle.Status.PENDING_REVIEW:
            raise TwilioError(22218, 400, f"Status can only be set to pending-review, not {status}")
        if bundle.status not in (Bundle.Status.DRAFT, Bundle.Status.TWILIO_REJECTED):
            raise TwilioError(22219, 400, f"A bundle in {bundle.status} can't be submitted")
        verdict, results = policies.evaluate(bundle, bundle.policy_sid)
        if verdict != "compliant":
            failed = [r["requirement_friendly_name"] for r in results if not r["passed"]]
            raise TwilioError(
                22215, 400, f"The bundle is not compliant: {', '.join(failed)} failed evaluation"
            )
        lifecycle.submit(bundle, req.now)
    for param, field in (("FriendlyName", "friendly_name"), ("Email", "email")):
        if req.get(param):
            setattr(bundle, field, req.get(param)[:255])
    if req.get("StatusCallback") is not None:
        bundle.status_callback = req.get("StatusCallback")
    bundle.date_updated = req.now
    bundle.save()
    return bundle_json(bundle)


def _delete_bundle(req: SandboxRequest, kind: str) -> None:
    bundle = _bundle(req, kind)
    if bundle.status in (Bundle.Status.PENDING_REVIEW, Bundle.Status.IN_REVIEW):
        raise TwilioError(22220, 400, "A bundle under review can't be deleted")
    bundle.delete()


def assignment_json(assignment: EntityAssignment) -> dict:
    bundle = assignment.bundle
    segment, _, key = KINDS[bundle.kind]
    return {
        "sid": assignment.sid,
        f"{key}_sid": bundle.sid,
        "account_sid": bundle.account.sid,
        "object_sid": assignment.object_sid,
        "date_created": formats.iso8601(assignment.date_created),
        "url": f"{BASE}/{segment}/{bundle.sid}/EntityAssignments/{assignment.sid}",
    }


def _object_exists(req: SandboxRequest, sid: str) -> bool:
    account = req.account
    if sid.startswith("IT"):
        return EndUser.objects.filter(sid=sid, account=account).exists()
    if sid.startswith("RD"):
        return SupportingDocument.objects.filter(sid=sid, account=account).exists()
    if sid.startswith("BU"):
        return policies._visible_bundle(account, sid) is not None
    return False


def _assign(req: SandboxRequest, kind: str) -> dict:
    bundle = _bundle(req, kind, PARAMS[kind])
    object_sid = req.require("ObjectSid")
    if not any(is_sid(object_sid, prefix) for prefix in ("IT", "RD", "BU")):
        raise invalid_param("ObjectSid", f"Invalid ObjectSid: {object_sid}")
    if not _object_exists(req, object_sid):
        raise TwilioError(22202, 400, f"Object {object_sid} was not found on this account")
    if bundle.status not in (Bundle.Status.DRAFT, Bundle.Status.TWILIO_REJECTED):
        raise TwilioError(22221, 400, "Entities can't be assigned to a bundle under review")
    try:
        with transaction.atomic():
            assignment = EntityAssignment.objects.create(
                sid=new_sid("BV"), bundle=bundle, object_sid=object_sid, date_created=req.now
            )
    except IntegrityError:
        raise TwilioError(22222, 409, f"{object_sid} is already assigned to {bundle.sid}")
    return assignment_json(assignment)


def _list_assignments(req: SandboxRequest, kind: str) -> dict:
    bundle = _bundle(req, kind, PARAMS[kind])
    assignments = bundle.assignments.select_related("bundle__account").order_by("date_created")
    object_type = req.q("ObjectType")
    if object_type:
        prefix = {"end_user": "IT", "supporting_document": "RD", "customer_profile": "BU"}.get(
            object_type
        )
        if prefix is None:
            raise invalid_param("ObjectType")
        assignments = assignments.filter(object_sid__startswith=prefix)
    return meta_page(req, "results", assignments, assignment_json)


def _assignment(req: SandboxRequest, kind: str) -> EntityAssignment:
    bundle = _bundle(req, kind, PARAMS[kind])
    assignment = (
        bundle.assignments.select_related("bundle__account").filter(sid=req.arg("Sid")).first()
    )
    if assignment is None:
        raise not_found(req.path)
    return assignment


def _unassign(req: SandboxRequest, kind: str) -> None:
    assignment = _assignment(req, kind)
    if assignment.bundle.status in (Bundle.Status.PENDING_REVIEW, Bundle.Status.IN_REVIEW):
        raise TwilioError(22221, 400, "Entities can't be removed from a bundle under review")
    assignment.delete()


def evaluation_json(evaluation: Evaluation) -> dict:
    bundle = evaluation.bundle
    segment, _, key = KINDS[bundle.kind]
    return {
        "sid": evaluation.sid,
        "account_sid": bundle.account.sid,
        "policy_sid": evaluation.policy_sid,
        f"{key}_sid": bundle.sid,
        "status": evaluation.status,
        "results": evaluation.results,
        "date_created": formats.iso8601(evaluation.date_created),
        "url": f"{BASE}/{segment}/{bundle.sid}/Evaluations/{evaluation.sid}",
    }


def _evaluate(req: SandboxRequest, kind: str) -> dict:
    bundle = _bundle(req, kind, PARAMS[kind])
    policy_sid = req.require("PolicySid")
    policy = policies.POLICIES.get(policy_sid)
    if policy is None or policy.kind != kind:
        raise TwilioError(22201, 400, f"Invalid PolicySid {policy_sid}")
    status, results = policies.evaluate(bundle, policy_sid)
    evaluation = Evaluation.objects.create(
        sid=new_sid("EL"),
        bundle=bundle,
        policy_sid=policy_sid,
        status=status,
        results=results,
        date_created=req.now,
    )
    return evaluation_json(evaluation)


def _list_evaluations(req: SandboxRequest, kind: str) -> dict:
    bundle = _bundle(req, kind, PARAMS[kind])
    evaluations = bundle.evaluations.select_related("bundle__account").order_by("date_created")
    return meta_page(req, "results", evaluations, evaluation_json)


def _fetch_evaluation(req: SandboxRequest, kind: str) -> dict:
    bundle = _bundle(req, kind, PARAMS[kind])
    evaluation = (
        bundle.evaluations.select_related("bundle__account").filter(sid=req.arg("Sid")).first()
    )
    if evaluation is None:
        raise not_found(req.path)
    return evaluation_json(evaluation)


def _register_bundle_routes(kind: str) -> None:
    segment = KINDS[kind][0]
    param = PARAMS[kind]
    base = f"/v1/{segment}"
    child = f"{base}/{{{param}}}"
    route("trusthub", "POST", base, status=201)(lambda req: _create_bundle(req, kind))
    route("trusthub", "GET", base)(lambda req: _list_bundles(req, kind))
    route("trusthub", "GET", f"{base}/{{Sid}}")(lambda req: bundle_json(_bundle(req, kind)))
    route("trusthub", "POST", f"{base}/{{Sid}}")(lambda req: _update_bundle(req, kind))
    route("trusthub", "DELETE", f"{base}/{{Sid}}")(lambda req: _delete_bundle(req, kind))
    route("trusthub", "POST", f"{child}/EntityAssignments", status=201)(
        lambda req: _assign(req, kind)
    )
    route("trusthub", "GET", f"{child}/EntityAssignments")(lambda req: _list_assignments(req, kind))
    route("trusthub", "GET", f"{child}/EntityAssignments/{{Sid}}")(
        lambda req: assignment_json(_assignment(req, kind))
    )
    route("trusthub", "DELETE", f"{child}/EntityAssignments/{{Sid}}")(
        lambda req: _unassign(req, kind)
    )
    route("trusthub", "POST", f"{child}/Evaluations", status=201)(lambda req: _evaluate(req, kind))
    route("trusthub", "GET", f"{child}/Evaluations")(lambda req: _list_evaluations(req, kind))
    route("trusthub", "GET", f"{child}/Evaluations/{{Sid}}")(
        lambda req: _fetch_evaluation(req, kind)
    )


for _kind in KINDS:
    _register_bundle_routes(_kind)


# --- EndUsers and SupportingDocuments ----------------------------------------------------


def end_user_json(user: EndUser) -> dict:
    return {
        "sid": user.sid,
        "account_sid": user.account.sid,
        "friendly_name": user.friendly_name,
        "type": user.type,
        "attributes": user.attributes,
        "date_created": formats.iso8601(user.date_created),
        "date_updated": formats.iso8601(user.date_updated),
        "url": f"{BASE}/EndUsers/{user.sid}",
    }


def document_json(document: SupportingDocument) -> dict:
    return {
        "sid": document.sid,
        "account_sid": document.account.sid,
        "friendly_name": document.friendly_name,
        "mime_type": document.mime_type or None,
        "status": document.status,
        "type": document.type,
        "attributes": document.attributes,
        "date_created": formats.iso8601(document.date_created),
        "date_updated": formats.iso8601(document.date_updated),
        "url": f"{BASE}/SupportingDocuments/{document.sid}",
    }


def _create_typed(req: SandboxRequest, model, prefix: str, types: tuple[str, ...]):
    name = req.get("FriendlyName")
    if not name:
        raise missing_param("FriendlyName")
    type_ = req.get("Type")
    if not type_:
        raise missing_param("Type")
    if type_ not in types:
        raise TwilioError(22203, 400, f"Invalid Type: {type_}")
    return model.objects.create(
        sid=new_sid(prefix),
        account=req.account,
        friendly_name=name[:255],
        type=type_,
        attributes=_attributes(req) or {},
        date_created=req.now,
        date_updated=req.now,
    )


def _owned(req: SandboxRequest, model):
    obj = (
        model.objects.select_related("account")
        .filter(sid=req.arg("Sid"), account=req.account)
        .first()
    )
    if obj is None:
        raise not_found(req.path)
    return obj


def _update_typed(req: SandboxRequest, model):
    obj = _owned(req, model)
    if req.get("FriendlyName"):
        obj.friendly_name = req.get("FriendlyName")[:255]
    attributes = _attributes(req)
    if attributes is not None:
        obj.attributes = attributes
    obj.date_updated = req.now
    obj.save()
    return obj


def _delete_typed(req: SandboxRequest, model) -> None:
    obj = _owned(req, model)
    if EntityAssignment.objects.filter(
        object_sid=obj.sid,
        bundle__status__in=[Bundle.Status.PENDING_REVIEW, Bundle.Status.IN_REVIEW],
    ).exists():
        raise TwilioError(22223, 400, f"{obj.sid} is assigned to a bundle under review")
    obj.delete()


@route("trusthub", "POST", "/v1/EndUsers", status=201)
def create_end_user(req: SandboxRequest) -> dict:
    return end_user_json(_create_typed(req, EndUser, "IT", policies.END_USER_TYPES))


@route("trusthub", "GET", "/v1/EndUsers")
def list_end_users(req: SandboxRequest) -> dict:
    users = EndUser.objects.select_related("account").filter(account=req.account)
    return meta_page(req, "results", users.order_by("date_created", "id"), end_user_json)


@route("trusthub", "GET", "/v1/EndUsers/{Sid}")
def fetch_end_user(req: SandboxRequest) -> dict:
    return end_user_json(_owned(req, EndUser))


@route("trusthub", "POST", "/v1/EndUsers/{Sid}")
def update_end_user(req: SandboxRequest) -> dict:
    return end_user_json(_update_typed(req, EndUser))


@route("trusthub", "DELETE", "/v1/EndUsers/{Sid}")
def delete_end_user(req: SandboxRequest) -> None:
    _delete_typed(req, EndUser)


@route("trusthub", "POST", "/v1/SupportingDocuments", status=201)
def create_document(req: SandboxRequest) -> dict:
    document = _create_typed(req, SupportingDocument, "RD", policies.DOCUMENT_TYPES)
    document.mime_type = "" if document.type == "customer_profile_address" else "application/pdf"
    document.save(update_fields=["mime_type"])
    return document_json(document)


@route("trusthub", "GET", "/v1/SupportingDocuments")
def list_documents(req: SandboxRequest) -> dict:
    documents = SupportingDocument.objects.select_related("account").filter(account=req.account)
    return meta_page(req, "results", documents.order_by("date_created", "id"), document_json)


@route("trusthub", "GET", "/v1/SupportingDocuments/{Sid}")
def fetch_document(req: SandboxRequest) -> dict:
    return document_json(_owned(req, SupportingDocument))


@route("trusthub", "POST", "/v1/SupportingDocuments/{Sid}")
def update_document(req: SandboxRequest) -> dict:
    return document_json(_update_typed(req, SupportingDocument))


@route("trusthub", "DELETE", "/v1/SupportingDocuments/{Sid}")
def delete_document(req: SandboxRequest) -> None:
    _delete_typed(req, SupportingDocument)
