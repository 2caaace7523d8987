"""The TrustHub policies the sandbox knows, and evaluating a bundle against one.

An evaluation lists each requirement of the policy with the fields that passed and those
that failed, as Twilio's does (22214 for a missing end user or document, 22215 for a
missing field, 22216 for an invalid one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.core.models import Account
from sandbox.resources.addresses.models import Address
from sandbox.resources.trusthub.models import Bundle, EndUser, SupportingDocument

SECONDARY_PROFILE = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
PRIMARY_PROFILE = "RN6433641899984f951173ef1738c3bdd0"
STARTER_PROFILE = "RN806dd6cd175f314e1f96a9727ee271f4"
A2P_TRUST_PRODUCT = "RNb0d4771c2c98518d916a3d4cd70a8f8b"
SOLE_PROP_TRUST_PRODUCT = "RN670d5d2e282a6130ae063b234b6019c8"

MISSING_OBJECT, MISSING_FIELD, INVALID_FIELD = 22214, 22215, 22216

END_USER_TYPES = (
    "customer_profile_business_information",
    "authorized_representative_1",
    "authorized_representative_2",
    "us_a2p_messaging_profile_information",
    "individual",
)
DOCUMENT_TYPES = ("customer_profile_address", "business_registration", "government_issued_id")
BUSINESS_TYPES = (
    "Sole Proprietorship",
    "Partnership",
    "Limited Liability Corporation",
    "Co-operative",
    "Non-profit Corporation",
    "Corporation",
)
COMPANY_TYPES = ("private", "public", "non_profit", "government")
JOB_POSITIONS = ("Director", "GM", "VP", "CEO", "CFO", "General Counsel", "Other")

Check = Callable[[dict, str], str | None]


def _email(attributes: dict, name: str) -> str | None:
    value = str(attributes.get(name, ""))
    return None if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) else "Invalid email address"


def _phone(attributes: dict, name: str) -> str | None:
    value = str(attributes.get(name, ""))
    return None if re.fullmatch(r"\+[1-9]\d{7,14}", value) else "Phone number must be E.164"


def _url(attributes: dict, name: str) -> str | None:
    value = str(attributes.get(name, ""))
    ok = re.fullmatch(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", value)
    return None if ok else "Website must be a valid http(s) URL"


def _ein(attributes: dict, name: str) -> str | None:
    if attributes.get("business_registration_identifier", "EIN") != "EIN":
        return None
    digits = re.sub(r"\D", "", str(attributes.get(name, "")))
    return None if len(digits) == 9 else "EIN must have 9 digits"


def _company_type(attributes: dict, name: str) -> str | None:
    value = attributes.get(name)
    if value not in COMPANY_TYPES:
        return f"Must be one of: {', '.join(COMPANY_TYPES)}"
    if value == "public" and not (
        attributes.get("stock_exchange") and attributes.get("stock_ticker")
    ):
        return "A public company needs stock_exchange and stock_ticker"
    return None


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(attributes: dict, name: str) -> str | None:
        value = attributes.get(name)
        return None if value in choices else f"Must be one of: {', '.join(choices)}"

    return check


@dataclass(frozen=True)
class Requirement:
    name: str
    friendly_name: str
    object_type: str  # end_user, supporting_document or customer_profile
    types: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    checks: dict[str, Check] = field(default_factory=dict)
    policies: tuple[str, ...] = ()


BUSINESS_INFO = Requirement(
    "business_information",
    "Business Information",
    "end_user",
    types=("customer_profile_business_information",),
    fields=(
        "business_name",
        "business_identity",
        "business_industry",
        "business_regions_of_operation",
        "business_registration_identifier",
        "business_registration_number",
        "business_type",
        "website_url",
    ),
    checks={
        "business_type": _one_of(BUSINESS_TYPES),
        "business_registration_number": _ein,
        "website_url": _url,
    },
)
STARTER_INFO = Requirement(
    "business_information",
    "Business Information",
    "end_user",
    types=("customer_profile_business_information",),
    fields=("business_name", "business_type", "business_industry"),
    checks={"business_type": _one_of(BUSINESS_TYPES)},
)
REPRESENTATIVE = Requirement(
    "authorized_representative_1",
    "Authorized Representative 1",
    "end_user",
    types=("authorized_representative_1",),
    fields=("first_name", "last_name", "email", "phone_number", "business_title", "job_position"),
    checks={"email": _email, "phone_number": _phone, "job_position": _one_of(JOB_POSITIONS)},
)
ADDRESS = Requirement(
    "customer_profile_address",
    "Business Address",
    "supporting_document",
    types=("customer_profile_address",),
    fields=("address_sids",),
)
PRIMARY = Requirement(
    "primary_customer_profile",
    "Primary Customer Profile",
    "customer_profile",
    policies=(PRIMARY_PROFILE,),
)
SECONDARY = Requirement(
    "customer_profile",
    "Customer Profile",
    "customer_profile",
    policies=(SECONDARY_PROFILE, STARTER_PROFILE),
)
MESSAGING_PROFILE = Requirement(
    "us_a2p_messaging_profile_information",
    "US A2P Messaging Profile Information",
    "end_user",
    types=("us_a2p_messaging_profile_information",),
    fields=("company_type",),
    checks={"company_type": _company_type},
)


@dataclass(frozen=True)
class Policy:
    sid: str
    friendly_name: str
    kind: str
    requirements: tuple[Requirement, ...]


POLICIES = {
    p.sid: p
    for p in (
        Policy(
            PRIMARY_PROFILE,
            "Primary Customer Profile of type Business",
            Bundle.Kind.CUSTOMER_PROFILE,
            (BUSINESS_INFO, REPRESENTATIVE, ADDRESS),
        ),
        Policy(
            SECONDARY_PROFILE,
            "Secondary Customer Profile of type Business",
            Bundle.Kind.CUSTOMER_PROFILE,
            (BUSINESS_INFO, REPRESENTATIVE, ADDRESS, PRIMARY),
        ),
        Policy(
            STARTER_PROFILE,
            "Starter Customer Profile",
            Bundle.Kind.CUSTOMER_PROFILE,
            (STARTER_INFO, REPRESENTATIVE, ADDRESS, PRIMARY),
        ),
        Policy(
            A2P_TRUST_PRODUCT,
            "A2P Messaging Profile",
            Bundle.Kind.TRUST_PRODUCT,
            (MESSAGING_PROFILE, SECONDARY),
        ),
        Policy(
            SOLE_PROP_TRUST_PRODUCT,
            "Sole Proprietor A2P Messaging Profile",
            Bundle.Kind.TRUST_PRODUCT,
            (MESSAGING_PROFILE, SECONDARY),
        ),
    )
}


def _field_result(requirement: Requirement, name: str, reason: str | None, code: int | None):
    return {
        "friendly_name": name.replace("_", " ").capitalize(),
        "object_field": name,
        "failure_reason": reason,
        "error_code": code,
    }


def _visible_bundle(account: Account, sid: str) -> Bundle | None:
    """A bundle the account may assign: its own, or its parent's (the ISV's primary profile)."""
    owners = [account.pk] + ([account.owner_id] if account.owner_id else [])
    return Bundle.objects.filter(sid=sid, account_id__in=owners).first()


def _check_object(requirement: Requirement, account: Account, obj) -> dict:
    valid, invalid = [], []
    if requirement.object_type == "customer_profile":
        approved = obj.status == Bundle.Status.TWILIO_APPROVED or requirement is SECONDARY
        if not approved:
            invalid.append(
                _field_result(requirement, "status", "The assigned profile is not approved", 22217)
            )
        return {"valid": valid, "invalid": invalid}
    attributes = obj.attributes or {}
    for name in requirement.fields:
        value = attributes.get(name)
        if value in (None, "", []):
            invalid.append(_field_result(requirement, name, "Field is missing", MISSING_FIELD))
            continue
        check = requirement.checks.get(name)
        problem = check(attributes, name) if check else None
        if name == "address_sids":
            sids = value if isinstance(value, list) else [s.strip() for s in str(value).split(",")]
            if not Address.objects.filter(account=account, sid__in=sids).exists():
                problem = "The address does not exist on this account"
        if problem:
            invalid.append(_field_result(requirement, name, problem, INVALID_FIELD))
        else:
            valid.append(_field_result(requirement, name, None, None))
    return {"valid": valid, "invalid": invalid}


def assigned_objects(bundle: Bundle) -> list:
    sids = list(bundle.assignments.values_list("object_sid", flat=True))
    found: list = list(EndUser.objects.filter(account=bundle.account, sid__in=sids))
    found += list(SupportingDocument.objects.filter(account=bundle.account, sid__in=sids))
    found += [b for b in (_visible_bundle(bundle.account, s) for s in sids) if b is not None]
    return found


def evaluate(bundle: Bundle, policy_sid: str) -> tuple[str, list[dict]]:
    """(compliant|noncompliant, results) of `bundle` against the policy."""
    policy = POLICIES[policy_sid]
    objects = assigned_objects(bundle)
    results = []
    for requirement in policy.requirements:
        if requirement.object_type == "end_user":
            candidates = [
                o for o in objects if isinstance(o, EndUser) and o.type in requirement.types
            ]
        elif requirement.object_type == "supporting_document":
            candidates = [
                o
                for o in objects
                if isinstance(o, SupportingDocument) and o.type in requirement.types
            ]
        else:
            candidates = [
                o
                for o in objects
                if isinstance(o, Bundle)
                and o.kind == Bundle.Kind.CUSTOMER_PROFILE
                and o.policy_sid in requirement.policies
            ]
        base = {
            "friendly_name": requirement.friendly_name,
            "object_type": requirement.object_type,
            "requirement_name": requirement.name,
            "requirement_friendly_name": requirement.friendly_name,
        }
        if not candidates:
            results.append(
                {
                    **base,
                    "passed": False,
                    "failure_reason": f"{requirement.friendly_name} is missing",
                    "error_code": MISSING_OBJECT,
                    "valid": [],
                    "invalid": [],
                }
            )
            continue
        checked = _check_object(requirement, bundle.account, candidates[0])
        passed = not checked["invalid"]
        results.append(
            {
                **base,
                "passed": passed,
                "failure_reason": None if passed else "One or more fields are invalid",
                "error_code": None if passed else checked["invalid"][0]["error_code"],
                **checked,
            }
        )
    status = "compliant" if all(r["passed"] for r in results) else "noncompliant"
    return status, results


def business_name(bundle: Bundle) -> str:
    """The business name the bundle carries (through its customer profile for a trust
    product), for the review's decision."""
    for obj in assigned_objects(bundle):
        if isinstance(obj, EndUser) and obj.type == "customer_profile_business_information":
            return str(obj.attributes.get("business_name", ""))
        if isinstance(obj, Bundle) and obj.kind == Bundle.Kind.CUSTOMER_PROFILE and obj != bundle:
            name = business_name(obj)
            if name:
                return name
    return ""


def owner_mobile(bundle: Bundle) -> str:
    """The mobile of the bundle's authorized representative (through its customer profile for
    a trust product): where a sole proprietor's brand OTP is texted."""
    for obj in assigned_objects(bundle):
        if isinstance(obj, EndUser) and obj.type == "authorized_representative_1":
            return str(obj.attributes.get("phone_number", ""))
        if isinstance(obj, Bundle) and obj.kind == Bundle.Kind.CUSTOMER_PROFILE and obj != bundle:
            mobile = owner_mobile(obj)
            if mobile:
                return mobile
    return ""
