"""The end-user and supporting-document types TrustHub lists, and each policy's
`requirements` JSON, built from `trusthub.policies` so evaluations and the catalogue agree.

Types have stable `OY` SIDs (derived from the machine name) and are fetched by SID or by
machine name: a policy's requirements link them as `/EndUserTypes/{machine_name}`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sandbox.resources.trusthub import policies
from sandbox.resources.trusthub.policies import Policy, Requirement

BASE = "https://trusthub.twilio.com/v1"
_REPRESENTATIVE = ("first_name", "last_name", "email", "phone_number", "business_title")
_FIELD_NAMES = {"address_sids": "Address SIDs", "ein": "EIN"}


@dataclass(frozen=True)
class ItemType:
    machine_name: str
    friendly_name: str
    fields: tuple[str, ...]

    @property
    def sid(self) -> str:
        return "OY" + hashlib.md5(self.machine_name.encode(), usedforsecurity=False).hexdigest()


def _field_friendly_name(name: str) -> str:
    return _FIELD_NAMES.get(name) or name.replace("_", " ").title()


END_USER_TYPES = {
    t.machine_name: t
    for t in (
        ItemType(
            "customer_profile_business_information",
            "Business Information",
            (*policies.BUSINESS_INFO.fields, "social_media_profile_urls"),
        ),
        ItemType(
            "authorized_representative_1",
            "Authorized Representative 1",
            policies.REPRESENTATIVE.fields,
        ),
        ItemType(
            "authorized_representative_2",
            "Authorized Representative 2",
            policies.REPRESENTATIVE.fields,
        ),
        ItemType(
            "us_a2p_messaging_profile_information",
            "US A2P Messaging Profile Information",
            (*policies.MESSAGING_PROFILE.fields, "stock_exchange", "stock_ticker"),
        ),
        ItemType("individual", "Individual", _REPRESENTATIVE[:4]),
    )
}
DOCUMENT_TYPES = {
    t.machine_name: t
    for t in (
        ItemType("customer_profile_address", "Physical Business Address", ("address_sids",)),
        ItemType(
            "business_registration",
            "Business Registration",
            ("business_name", "document_number"),
        ),
        ItemType("government_issued_id", "Government Issued ID", ("first_name", "last_name")),
    )
}


def find_type(types: dict[str, ItemType], sid_or_name: str) -> ItemType | None:
    if sid_or_name in types:
        return types[sid_or_name]
    return next((t for t in types.values() if t.sid == sid_or_name), None)


def type_json(item: ItemType, segment: str) -> dict:
    return {
        "sid": item.sid,
        "friendly_name": item.friendly_name,
        "machine_name": item.machine_name,
        "fields": [
            {
                "machine_name": name,
                "friendly_name": _field_friendly_name(name),
                "constraint": "String",
            }
            for name in item.fields
        ],
        "url": f"{BASE}/{segment}/{item.sid}",
    }


def _end_user(requirement: Requirement) -> dict:
    type_ = requirement.types[0]
    return {
        "name": requirement.friendly_name,
        "type": type_,
        "requirement_name": requirement.name,
        "url": f"/EndUserTypes/{type_}",
        "fields": list(requirement.fields),
    }


def _document(requirement: Requirement) -> list[dict]:
    """One requirement: a list of alternatives, each accepting some document types."""
    accepted = [
        {
            "name": DOCUMENT_TYPES[type_].friendly_name,
            "type": type_,
            "url": f"/SupportingDocumentTypes/{type_}",
            "fields": list(requirement.fields),
        }
        for type_ in requirement.types
    ]
    return [
        {
            "name": requirement.friendly_name,
            "type": "document",
            "requirement_name": requirement.name,
            "description": requirement.friendly_name,
            "accepted_documents": accepted,
        }
    ]


def _customer_profile(requirement: Requirement) -> dict:
    return {
        "name": requirement.friendly_name,
        "type": "customer_profile",
        "requirement_name": requirement.name,
        "accepted_policies": [
            {"sid": sid, "url": f"/Policies/{sid}"} for sid in requirement.policies
        ],
    }


def policy_json(policy: Policy) -> dict:
    by_kind: dict[str, list[Requirement]] = {}
    for requirement in policy.requirements:
        by_kind.setdefault(requirement.object_type, []).append(requirement)
    return {
        "sid": policy.sid,
        "friendly_name": policy.friendly_name,
        "requirements": {
            "end_user": [_end_user(r) for r in by_kind.get("end_user", [])],
            "supporting_document": [_document(r) for r in by_kind.get("supporting_document", [])],
            "supporting_customer_profiles": [
                _customer_profile(r) for r in by_kind.get("customer_profile", [])
            ],
            "supporting_trust_products": [],
        },
        "url": f"{BASE}/Policies/{policy.sid}",
    }
