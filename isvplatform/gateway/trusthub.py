"""TrustHub: customer profiles, trust products and their parts (end users, documents,
addresses), the first stage of A2P 10DLC.

These calls act for the account whose credentials the client holds (v1 hosts carry no account
in the path), so callers pass the tenant's subaccount client.
"""

from collections.abc import Mapping
from typing import Any

from twilio.rest import Client

from isvplatform.gateway._common import find_named
from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import (
    Address,
    BundleEvaluation,
    EndUser,
    EntityAssignment,
    SupportingDocument,
    TrustBundle,
)

BUNDLE_KINDS = ("customer_profile", "trust_product")


def _bundles(client: Client, kind: str) -> Any:
    if kind not in BUNDLE_KINDS:
        raise ValueError(f"kind must be one of {BUNDLE_KINDS}, not {kind!r}")
    trusthub = client.trusthub.v1
    return trusthub.customer_profiles if kind == "customer_profile" else trusthub.trust_products


def _bundle_children(client: Client, kind: str, bundle_sid: str, child: str) -> Any:
    context = _bundles(client, kind)(bundle_sid)
    prefix = "customer_profiles" if kind == "customer_profile" else "trust_products"
    return getattr(context, f"{prefix}_{child}")


def _trust_bundle(kind: str, instance: Any) -> TrustBundle:
    return TrustBundle(
        sid=instance.sid,
        kind=kind,
        friendly_name=instance.friendly_name or "",
        email=instance.email or "",
        policy_sid=instance.policy_sid or "",
        status=str(instance.status or ""),
        errors=tuple(instance.errors or ()),
        date_updated=instance.date_updated,
    )


@translate_errors()
def create_trust_bundle(
    client: Client,
    kind: str,
    *,
    friendly_name: str,
    email: str,
    policy_sid: str,
    status_callback: str | None = None,
) -> TrustBundle:
    """Create a draft customer profile or trust product under `policy_sid`."""
    instance = _bundles(client, kind).create(
        friendly_name=friendly_name,
        email=email,
        policy_sid=policy_sid,
        status_callback=status_callback,
    )
    return _trust_bundle(kind, instance)


@translate_errors()
def find_trust_bundles(
    client: Client,
    kind: str,
    *,
    friendly_name: str | None = None,
    policy_sid: str | None = None,
    status: str | None = None,
) -> list[TrustBundle]:
    """Bundles of the account matching the filters (a step looks up before it creates)."""
    found = _bundles(client, kind).list(
        friendly_name=friendly_name, policy_sid=policy_sid, status=status, page_size=100
    )
    return [_trust_bundle(kind, instance) for instance in found]


@translate_errors()
def fetch_trust_bundle(client: Client, kind: str, sid: str) -> TrustBundle:
    return _trust_bundle(kind, _bundles(client, kind)(sid).fetch())


@translate_errors()
def submit_trust_bundle(client: Client, kind: str, sid: str) -> TrustBundle:
    """Send a bundle to Twilio's review (`Status=pending-review`)."""
    return _trust_bundle(kind, _bundles(client, kind)(sid).update(status="pending-review"))


def _end_user(instance: Any) -> EndUser:
    return EndUser(
        sid=instance.sid,
        type=instance.type or "",
        friendly_name=instance.friendly_name or "",
        attributes=dict(instance.attributes or {}),
    )


@translate_errors()
def create_end_user(
    client: Client, *, friendly_name: str, type: str, attributes: Mapping[str, Any]
) -> EndUser:
    """An end user: the business information, a representative or the A2P profile facts."""
    return _end_user(
        client.trusthub.v1.end_users.create(
            friendly_name=friendly_name, type=type, attributes=dict(attributes)
        )
    )


@translate_errors()
def find_end_user(client: Client, friendly_name: str) -> EndUser | None:
    """The end user named `friendly_name` (EndUsers has no filter, so this pages through)."""
    found = find_named(client.trusthub.v1.end_users.stream(page_size=100), friendly_name)
    return _end_user(found) if found else None


def _document(instance: Any) -> SupportingDocument:
    return SupportingDocument(
        sid=instance.sid,
        type=instance.type or "",
        friendly_name=instance.friendly_name or "",
        status=str(instance.status or ""),
        attributes=dict(instance.attributes or {}),
    )


@translate_errors()
def create_supporting_document(
    client: Client, *, friendly_name: str, type: str, attributes: Mapping[str, Any]
) -> SupportingDocument:
    return _document(
        client.trusthub.v1.supporting_documents.create(
            friendly_name=friendly_name, type=type, attributes=dict(attributes)
        )
    )


@translate_errors()
def find_supporting_document(client: Client, friendly_name: str) -> SupportingDocument | None:
    found = find_named(client.trusthub.v1.supporting_documents.stream(page_size=100), friendly_name)
    return _document(found) if found else None


def _address(instance: Any) -> Address:
    return Address(
        sid=instance.sid,
        friendly_name=instance.friendly_name or "",
        customer_name=instance.customer_name or "",
        street=instance.street or "",
        city=instance.city or "",
        region=instance.region or "",
        postal_code=instance.postal_code or "",
        iso_country=instance.iso_country or "",
    )


@translate_errors()
def create_address(
    client: Client,
    *,
    friendly_name: str,
    customer_name: str,
    street: str,
    city: str,
    region: str,
    postal_code: str,
    iso_country: str,
    street_secondary: str | None = None,
) -> Address:
    """An address of the client's account (api v2010), for the profile's address document."""
    return _address(
        client.addresses.create(
            friendly_name=friendly_name,
            customer_name=customer_name,
            street=street,
            street_secondary=street_secondary or None,
            city=city,
            region=region,
            postal_code=postal_code,
            iso_country=iso_country,
        )
    )


@translate_errors()
def find_address(client: Client, friendly_name: str) -> Address | None:
    listed = client.addresses.list(friendly_name=friendly_name, page_size=50)
    found = find_named(listed, friendly_name)
    return _address(found) if found else None


@translate_errors()
def assign_to_bundle(
    client: Client, kind: str, bundle_sid: str, object_sid: str
) -> EntityAssignment:
    """Attach an end user, document or another bundle to a bundle."""
    instance = _bundle_children(client, kind, bundle_sid, "entity_assignments").create(
        object_sid=object_sid
    )
    return EntityAssignment(sid=instance.sid, object_sid=instance.object_sid)


@translate_errors()
def list_bundle_assignments(client: Client, kind: str, bundle_sid: str) -> list[EntityAssignment]:
    found = _bundle_children(client, kind, bundle_sid, "entity_assignments").list(page_size=100)
    return [EntityAssignment(sid=i.sid, object_sid=i.object_sid) for i in found]


@translate_errors()
def evaluate_bundle(
    client: Client, kind: str, bundle_sid: str, policy_sid: str
) -> BundleEvaluation:
    """Check a bundle against its policy before submitting: compliant or noncompliant."""
    instance = _bundle_children(client, kind, bundle_sid, "evaluations").create(
        policy_sid=policy_sid
    )
    return BundleEvaluation(
        sid=instance.sid, status=str(instance.status or ""), results=tuple(instance.results or ())
    )
