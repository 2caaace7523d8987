"""Typed Twilio operations: one SDK call each, answered with a frozen dataclass.

Callers pass a `Client` from `client.py` (the tenant's subaccount client for tenant resources);
account operations default to the master client. Every function raises only `GatewayError`s.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from twilio.base import values
from twilio.rest import Client

from isvplatform.crypto import Secret
from isvplatform.gateway.client import master_client
from isvplatform.gateway.errors import translate_errors

ACCOUNT_STATUSES = ("active", "suspended", "closed")
NUMBER_TYPES = ("local", "toll_free", "mobile")


@dataclass(frozen=True)
class Account:
    sid: str
    friendly_name: str
    status: str
    owner_account_sid: str | None
    date_created: datetime | None
    # Twilio returns the token on creation and fetch; it stays wrapped until a client needs it.
    auth_token: Secret | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class MessageResult:
    sid: str
    account_sid: str
    status: str
    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str
    direction: str
    num_segments: int
    num_media: int
    error_code: int | None
    error_message: str | None
    price: Decimal | None
    price_unit: str | None
    date_created: datetime | None
    date_sent: datetime | None
    date_updated: datetime | None


@dataclass(frozen=True)
class AvailableNumber:
    phone_number: str
    friendly_name: str
    locality: str | None
    region: str | None
    postal_code: str | None
    iso_country: str
    sms: bool
    mms: bool
    voice: bool


@dataclass(frozen=True)
class PhoneNumber:
    sid: str
    account_sid: str
    phone_number: str
    friendly_name: str
    sms_url: str | None
    sms_method: str | None
    sms_fallback_url: str | None
    status_callback: str | None
    sms: bool
    mms: bool
    voice: bool


@dataclass(frozen=True)
class PhoneLookup:
    phone_number: str
    valid: bool
    validation_errors: tuple[str, ...]
    country_code: str | None
    national_format: str | None
    line_type: str | None  # mobile, landline, tollFree, nonFixedVoip, ... (when requested)
    carrier_name: str | None

    @property
    def can_receive_sms(self) -> bool:
        """False for numbers that are invalid or known not to be textable (landlines)."""
        return self.valid and self.line_type not in ("landline", "fixedVoip")


def _capability(capabilities: Any, name: str) -> bool:
    if not isinstance(capabilities, Mapping):
        return False
    lowered = {str(k).lower(): v for k, v in capabilities.items()}
    return bool(lowered.get(name))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _account(instance: Any) -> Account:
    token = getattr(instance, "auth_token", None)
    return Account(
        sid=instance.sid,
        friendly_name=instance.friendly_name or "",
        status=instance.status or "",
        owner_account_sid=instance.owner_account_sid,
        date_created=instance.date_created,
        auth_token=Secret(token) if token else None,
    )


def _message(instance: Any) -> MessageResult:
    return MessageResult(
        sid=instance.sid,
        account_sid=instance.account_sid,
        status=instance.status or "",
        to=instance.to or "",
        from_=instance.from_,
        messaging_service_sid=instance.messaging_service_sid,
        body=instance.body or "",
        direction=instance.direction or "",
        num_segments=_int(instance.num_segments),
        num_media=_int(instance.num_media),
        error_code=instance.error_code,
        error_message=instance.error_message,
        price=_decimal(instance.price),
        price_unit=instance.price_unit,
        date_created=instance.date_created,
        date_sent=instance.date_sent,
        date_updated=instance.date_updated,
    )


def _phone_number(instance: Any) -> PhoneNumber:
    return PhoneNumber(
        sid=instance.sid,
        account_sid=instance.account_sid,
        phone_number=instance.phone_number,
        friendly_name=instance.friendly_name or "",
        sms_url=instance.sms_url or None,
        sms_method=instance.sms_method or None,
        sms_fallback_url=instance.sms_fallback_url or None,
        status_callback=instance.status_callback or None,
        sms=_capability(instance.capabilities, "sms"),
        mms=_capability(instance.capabilities, "mms"),
        voice=_capability(instance.capabilities, "voice"),
    )


def _available(instance: Any) -> AvailableNumber:
    return AvailableNumber(
        phone_number=instance.phone_number,
        friendly_name=instance.friendly_name or instance.phone_number,
        locality=instance.locality,
        region=instance.region,
        postal_code=instance.postal_code,
        iso_country=instance.iso_country or "",
        sms=_capability(instance.capabilities, "sms"),
        mms=_capability(instance.capabilities, "mms"),
        voice=_capability(instance.capabilities, "voice"),
    )


# --- accounts (master credentials) -----------------------------------------------------


@translate_errors()
def create_subaccount(friendly_name: str, *, client: Client | None = None) -> Account:
    """Create a subaccount under the master account; the result carries its auth token."""
    client = client or master_client()
    return _account(client.api.v2010.accounts.create(friendly_name=friendly_name))


@translate_errors()
def find_subaccount_by_friendly_name(name: str, *, client: Client | None = None) -> Account | None:
    """The first non-closed subaccount named exactly `name`, so a retried provisioning can
    adopt the account an earlier attempt created instead of creating a second one."""
    client = client or master_client()
    for instance in client.api.v2010.accounts.list(friendly_name=name, page_size=50):
        if instance.friendly_name == name and instance.status != "closed":
            return _account(instance)
    return None


@translate_errors()
def fetch_account(sid: str, *, client: Client | None = None) -> Account:
    client = client or master_client()
    return _account(client.api.v2010.accounts(sid).fetch())


@translate_errors()
def set_account_status(sid: str, status: str, *, client: Client | None = None) -> Account:
    """Suspend, reactivate or close (for good: Twilio refuses to reopen, 21479) a subaccount."""
    if status not in ACCOUNT_STATUSES:
        raise ValueError(f"status must be one of {ACCOUNT_STATUSES}, not {status!r}")
    client = client or master_client()
    return _account(client.api.v2010.accounts(sid).update(status=status))


# --- messages (tenant credentials) ------------------------------------------------------


@translate_errors()
def send_message(
    client: Client,
    to: str,
    from_: str | None = None,
    messaging_service_sid: str | None = None,
    body: str | None = None,
    media_urls: Sequence[str] = (),
    status_callback: str | None = None,
    content_sid: str | None = None,
    content_variables: Mapping[str, str] | None = None,
) -> MessageResult:
    """Create an outbound message (SMS/MMS, or WhatsApp with `whatsapp:` addresses)."""
    return _message(
        client.messages.create(
            to=to,
            from_=from_,
            messaging_service_sid=messaging_service_sid,
            body=body,
            media_url=list(media_urls) or None,
            status_callback=status_callback,
            content_sid=content_sid,
            content_variables=json.dumps(dict(content_variables)) if content_variables else None,
        )
    )


@translate_errors()
def fetch_message(client: Client, sid: str) -> MessageResult:
    return _message(client.messages(sid).fetch())


# --- phone numbers (tenant credentials) -------------------------------------------------


@translate_errors()
def search_available_numbers(
    client: Client,
    *,
    country: str = "US",
    number_type: str = "local",
    area_code: int | None = None,
    contains: str | None = None,
    in_region: str | None = None,
    sms_enabled: bool | None = True,
    mms_enabled: bool | None = None,
    limit: int = 20,
) -> list[AvailableNumber]:
    """Numbers the account could buy now; `number_type` is local, toll_free or mobile."""
    if number_type not in NUMBER_TYPES:
        raise ValueError(f"number_type must be one of {NUMBER_TYPES}, not {number_type!r}")
    resource = getattr(client.available_phone_numbers(country.upper()), number_type)
    found = resource.list(
        area_code=area_code,
        contains=contains,
        in_region=in_region,
        sms_enabled=sms_enabled,
        mms_enabled=mms_enabled,
        limit=limit,
    )
    return [_available(instance) for instance in found]


@translate_errors()
def buy_number(
    client: Client,
    *,
    phone_number: str | None = None,
    area_code: str | None = None,
    friendly_name: str | None = None,
    sms_url: str | None = None,
    sms_method: str = "POST",
    sms_fallback_url: str | None = None,
    status_callback: str | None = None,
) -> PhoneNumber:
    """Buy a specific number, or any number in an area code, with its SMS webhooks set."""
    if (phone_number is None) == (area_code is None):
        raise ValueError("give exactly one of phone_number and area_code")
    return _phone_number(
        client.incoming_phone_numbers.create(
            phone_number=phone_number,
            area_code=area_code,
            friendly_name=friendly_name,
            sms_url=sms_url,
            sms_method=sms_method if sms_url else None,
            sms_fallback_url=sms_fallback_url,
            status_callback=status_callback,
        )
    )


@translate_errors()
def fetch_number(client: Client, sid: str) -> PhoneNumber:
    return _phone_number(client.incoming_phone_numbers(sid).fetch())


@translate_errors()
def update_number_webhooks(
    client: Client,
    sid: str,
    *,
    sms_url: str | None = None,
    sms_method: str | None = None,
    sms_fallback_url: str | None = None,
    status_callback: str | None = None,
) -> PhoneNumber:
    """Point a number's webhooks at the platform; None leaves a field alone, "" clears it."""
    return _phone_number(
        client.incoming_phone_numbers(sid).update(
            sms_url=sms_url,
            sms_method=sms_method,
            sms_fallback_url=sms_fallback_url,
            status_callback=status_callback,
        )
    )


@translate_errors()
def release_number(client: Client, sid: str) -> None:
    """Give the number back to Twilio (billing stops; the number may go to someone else)."""
    client.incoming_phone_numbers(sid).delete()


# --- provisioning: tokens, number inventory, transfers, services ---------------------------


@translate_errors()
def search_numbers(
    client: Client,
    *,
    country: str = "US",
    number_type: str = "local",
    area_code: int | None = None,
    contains: str | None = None,
    sms_enabled: bool | None = None,
    mms_enabled: bool | None = None,
    voice_enabled: bool | None = None,
    limit: int = 20,
) -> list[AvailableNumber]:
    """Numbers the account could buy, filtered by every capability the portal offers."""
    if number_type not in NUMBER_TYPES:
        raise ValueError(f"number_type must be one of {NUMBER_TYPES}, not {number_type!r}")
    resource = getattr(client.available_phone_numbers(country.upper()), number_type)
    found = resource.list(
        area_code=area_code,
        contains=contains,
        sms_enabled=sms_enabled,
        mms_enabled=mms_enabled,
        voice_enabled=voice_enabled,
        limit=limit,
    )
    return [_available(instance) for instance in found]


@translate_errors()
def list_numbers(client: Client, *, account_sid: str | None = None) -> list[PhoneNumber]:
    """Every number the account owns; `account_sid` lets a parent read a subaccount's."""
    api = client.api.v2010.accounts(account_sid) if account_sid else client
    return [_phone_number(instance) for instance in api.incoming_phone_numbers.stream()]


@translate_errors()
def transfer_number(
    client: Client, sid: str, *, from_account_sid: str, to_account_sid: str
) -> PhoneNumber:
    """Move a number (same SID) between the master account and one of its subaccounts.

    Needs the parent's client: only the parent may act on both accounts.
    """
    return _phone_number(
        client.api.v2010.accounts(from_account_sid)
        .incoming_phone_numbers(sid)
        .update(account_sid=to_account_sid)
    )


@translate_errors()
def create_secondary_auth_token(client: Client) -> Secret:
    """A second auth token for the client's own account; both work until one is promoted."""
    token = client.accounts.v1.secondary_auth_token().create().secondary_auth_token
    return Secret(token or "")


@translate_errors()
def promote_secondary_auth_token(client: Client) -> Secret:
    """Make the secondary token primary; the old primary stops working at once."""
    token = client.accounts.v1.auth_token_promotion().update().auth_token
    return Secret(token or "")


@translate_errors()
def delete_secondary_auth_token(client: Client) -> None:
    client.accounts.v1.secondary_auth_token().delete()


@translate_errors()
def add_number_to_service(client: Client, service_sid: str, number_sid: str) -> None:
    """Put the number into the messaging service's sender pool."""
    client.messaging.v1.services(service_sid).phone_numbers.create(phone_number_sid=number_sid)


@translate_errors()
def remove_number_from_service(client: Client, service_sid: str, number_sid: str) -> None:
    client.messaging.v1.services(service_sid).phone_numbers(number_sid).delete()


# --- A2P 10DLC: TrustHub bundles and their parts (tenant credentials) --------------------
# TrustHub, brand and campaign calls act for the account whose credentials the client holds
# (v1 hosts carry no account in the path), so callers pass the tenant's subaccount client.

BUNDLE_KINDS = ("customer_profile", "trust_product")


@dataclass(frozen=True)
class TrustBundle:
    """A TrustHub bundle: a customer profile or a trust product (both BU...)."""

    sid: str
    kind: str
    friendly_name: str
    email: str
    policy_sid: str
    status: str
    errors: tuple[dict, ...]
    date_updated: datetime | None


@dataclass(frozen=True)
class EndUser:
    sid: str
    type: str
    friendly_name: str
    attributes: dict


@dataclass(frozen=True)
class SupportingDocument:
    sid: str
    type: str
    friendly_name: str
    status: str
    attributes: dict


@dataclass(frozen=True)
class Address:
    sid: str
    friendly_name: str
    customer_name: str
    street: str
    city: str
    region: str
    postal_code: str
    iso_country: str


@dataclass(frozen=True)
class EntityAssignment:
    sid: str
    object_sid: str


@dataclass(frozen=True)
class BundleEvaluation:
    """A policy check of a bundle; `results` lists each requirement with what failed."""

    sid: str
    status: str
    results: tuple[dict, ...]


@dataclass(frozen=True)
class BrandRegistration:
    sid: str
    status: str
    brand_type: str
    customer_profile_bundle_sid: str
    a2p_profile_bundle_sid: str
    tcr_id: str | None
    failure_reason: str | None
    errors: tuple[dict, ...]
    brand_score: int | None
    identity_status: str | None
    brand_feedback: tuple[str, ...]
    date_updated: datetime | None


@dataclass(frozen=True)
class BrandVetting:
    sid: str
    status: str
    vetting_class: str | None
    provider: str | None
    date_updated: datetime | None


@dataclass(frozen=True)
class MessagingServiceInfo:
    sid: str
    friendly_name: str
    inbound_request_url: str | None
    status_callback: str | None
    sticky_sender: bool
    us_app_to_person_registered: bool


@dataclass(frozen=True)
class UsAppToPerson:
    """An A2P campaign on a messaging service; `status` is Twilio's `campaign_status`."""

    sid: str
    messaging_service_sid: str
    brand_registration_sid: str
    status: str
    use_case: str
    campaign_id: str | None
    errors: tuple[dict, ...]
    rate_limits: dict


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


def _named(instances: Iterable[Any], friendly_name: str) -> Any | None:
    """The first resource named exactly `friendly_name` (lists without a name filter page)."""
    return next((i for i in instances if i.friendly_name == friendly_name), None)


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
    found = _named(client.trusthub.v1.end_users.stream(page_size=100), friendly_name)
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
    found = _named(client.trusthub.v1.supporting_documents.stream(page_size=100), friendly_name)
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
    found = _named(client.addresses.list(friendly_name=friendly_name, page_size=50), friendly_name)
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


# --- A2P 10DLC: brands (tenant credentials) ---------------------------------------------


def _brand(instance: Any) -> BrandRegistration:
    return BrandRegistration(
        sid=instance.sid,
        status=str(instance.status or ""),
        brand_type=instance.brand_type or "",
        customer_profile_bundle_sid=instance.customer_profile_bundle_sid or "",
        a2p_profile_bundle_sid=instance.a2p_profile_bundle_sid or "",
        tcr_id=instance.tcr_id,
        failure_reason=instance.failure_reason,
        errors=tuple(instance.errors or ()),
        brand_score=instance.brand_score,
        identity_status=str(instance.identity_status) if instance.identity_status else None,
        brand_feedback=tuple(str(f) for f in instance.brand_feedback or ()),
        date_updated=instance.date_updated,
    )


@translate_errors()
def create_brand_registration(
    client: Client,
    *,
    customer_profile_sid: str,
    trust_product_sid: str,
    brand_type: str = "STANDARD",
    skip_automatic_sec_vet: bool | None = None,
) -> BrandRegistration:
    """Register the brand with the carriers (it starts PENDING)."""
    return _brand(
        client.messaging.v1.brand_registrations.create(
            customer_profile_bundle_sid=customer_profile_sid,
            a2p_profile_bundle_sid=trust_product_sid,
            brand_type=brand_type,
            skip_automatic_sec_vet=skip_automatic_sec_vet,
        )
    )


@translate_errors()
def fetch_brand_registration(client: Client, sid: str) -> BrandRegistration:
    return _brand(client.messaging.v1.brand_registrations(sid).fetch())


@translate_errors()
def list_brand_registrations(client: Client) -> list[BrandRegistration]:
    return [_brand(i) for i in client.messaging.v1.brand_registrations.list(page_size=100)]


@translate_errors()
def list_brand_vettings(client: Client, brand_sid: str) -> list[BrandVetting]:
    """The brand's vettings (secondary vetting sets a standard brand's trust score)."""
    # The spec lists no PageSize for vettings (a brand has a handful), so none is sent.
    found = client.messaging.v1.brand_registrations(brand_sid).brand_vettings.list()
    return [
        BrandVetting(
            sid=i.brand_vetting_sid or "",
            status=i.vetting_status or "",
            vetting_class=i.vetting_class,
            provider=str(i.vetting_provider) if i.vetting_provider else None,
            date_updated=i.date_updated,
        )
        for i in found
    ]


# --- messaging services (tenant credentials) --------------------------------------------


def _service(instance: Any) -> MessagingServiceInfo:
    return MessagingServiceInfo(
        sid=instance.sid,
        friendly_name=instance.friendly_name or "",
        inbound_request_url=instance.inbound_request_url or None,
        status_callback=instance.status_callback or None,
        sticky_sender=bool(instance.sticky_sender),
        us_app_to_person_registered=bool(instance.us_app_to_person_registered),
    )


@translate_errors()
def create_messaging_service(
    client: Client,
    *,
    friendly_name: str,
    inbound_request_url: str | None = None,
    status_callback: str | None = None,
    sticky_sender: bool = True,
    use_inbound_webhook_on_number: bool = False,
) -> MessagingServiceInfo:
    """A sender pool whose inbound and status webhooks point at the platform."""
    return _service(
        client.messaging.v1.services.create(
            friendly_name=friendly_name,
            inbound_request_url=inbound_request_url,
            inbound_method="POST" if inbound_request_url else None,
            status_callback=status_callback,
            sticky_sender=sticky_sender,
            use_inbound_webhook_on_number=use_inbound_webhook_on_number,
        )
    )


@translate_errors()
def find_messaging_service(client: Client, friendly_name: str) -> MessagingServiceInfo | None:
    found = _named(client.messaging.v1.services.stream(page_size=100), friendly_name)
    return _service(found) if found else None


@translate_errors()
def fetch_messaging_service(client: Client, sid: str) -> MessagingServiceInfo:
    return _service(client.messaging.v1.services(sid).fetch())


@translate_errors()
def delete_messaging_service(client: Client, sid: str) -> None:
    client.messaging.v1.services(sid).delete()


@translate_errors()
def list_service_number_sids(client: Client, service_sid: str) -> list[str]:
    found = client.messaging.v1.services(service_sid).phone_numbers.list(page_size=100)
    return [instance.sid for instance in found]


# --- A2P 10DLC: campaigns (UsAppToPerson, tenant credentials) ---------------------------


def _campaign(instance: Any, service_sid: str) -> UsAppToPerson:
    return UsAppToPerson(
        sid=instance.sid,
        messaging_service_sid=instance.messaging_service_sid or service_sid,
        brand_registration_sid=instance.brand_registration_sid or "",
        status=instance.campaign_status or "",
        use_case=instance.us_app_to_person_usecase or "",
        campaign_id=instance.campaign_id,
        errors=tuple(instance.errors or ()),
        rate_limits=dict(instance.rate_limits or {}),
    )


@translate_errors()
def create_a2p_campaign(
    client: Client,
    service_sid: str,
    *,
    brand_sid: str,
    use_case: str,
    description: str,
    message_flow: str,
    message_samples: Sequence[str],
    has_embedded_links: bool,
    has_embedded_phone: bool,
    opt_in_message: str | None = None,
    opt_out_message: str | None = None,
    help_message: str | None = None,
    opt_in_keywords: Sequence[str] = (),
    opt_out_keywords: Sequence[str] = (),
    help_keywords: Sequence[str] = (),
    subscriber_opt_in: bool | None = None,
    age_gated: bool = False,
    direct_lending: bool = False,
    privacy_policy_url: str | None = None,
    terms_and_conditions_url: str | None = None,
) -> UsAppToPerson:
    """Register the campaign on the service; it starts pending the carriers' review."""
    from twilio.base import serialize, values
    from twilio.rest.messaging.v1.service.us_app_to_person import UsAppToPersonInstance

    resource = client.messaging.v1.services(service_sid).us_app_to_person
    # The SDK's create() predates the privacy/terms parameters the API now takes, so the
    # form body is built here with the SDK's own serializers and sent through its Version.
    data = values.of(
        {
            "BrandRegistrationSid": brand_sid,
            "Description": description,
            "MessageFlow": message_flow,
            "MessageSamples": serialize.map(list(message_samples), lambda e: e),
            "UsAppToPersonUsecase": use_case,
            "HasEmbeddedLinks": serialize.boolean_to_string(has_embedded_links),
            "HasEmbeddedPhone": serialize.boolean_to_string(has_embedded_phone),
            "OptInMessage": opt_in_message or values.unset,
            "OptOutMessage": opt_out_message or values.unset,
            "HelpMessage": help_message or values.unset,
            "OptInKeywords": serialize.map(list(opt_in_keywords), lambda e: e)
            if opt_in_keywords
            else values.unset,
            "OptOutKeywords": serialize.map(list(opt_out_keywords), lambda e: e)
            if opt_out_keywords
            else values.unset,
            "HelpKeywords": serialize.map(list(help_keywords), lambda e: e)
            if help_keywords
            else values.unset,
            "SubscriberOptIn": serialize.boolean_to_string(subscriber_opt_in)
            if subscriber_opt_in is not None
            else values.unset,
            "AgeGated": serialize.boolean_to_string(age_gated),
            "DirectLending": serialize.boolean_to_string(direct_lending),
            "PrivacyPolicyUrl": privacy_policy_url or values.unset,
            "TermsAndConditionsUrl": terms_and_conditions_url or values.unset,
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    payload = resource._version.create(method="POST", uri=resource._uri, data=data, headers=headers)
    instance = UsAppToPersonInstance(resource._version, payload, messaging_service_sid=service_sid)
    return _campaign(instance, service_sid)


@translate_errors()
def fetch_a2p_campaign(client: Client, service_sid: str, sid: str) -> UsAppToPerson:
    instance = client.messaging.v1.services(service_sid).us_app_to_person(sid).fetch()
    return _campaign(instance, service_sid)


@translate_errors()
def list_a2p_campaigns(client: Client, service_sid: str) -> list[UsAppToPerson]:
    found = client.messaging.v1.services(service_sid).us_app_to_person.list(page_size=20)
    return [_campaign(instance, service_sid) for instance in found]


@translate_errors()
def delete_a2p_campaign(client: Client, service_sid: str, sid: str) -> None:
    client.messaging.v1.services(service_sid).us_app_to_person(sid).delete()


@translate_errors()
def list_a2p_use_cases(client: Client, service_sid: str, brand_sid: str) -> list[str]:
    """Use-case codes the brand may register on this service."""
    instance = client.messaging.v1.services(service_sid).us_app_to_person_usecases.fetch(
        brand_registration_sid=brand_sid
    )
    return [str(u.get("code")) for u in instance.us_app_to_person_usecases or () if u.get("code")]


# --- messaging: finding messages and inbound media (tenant credentials) -----------------


@dataclass(frozen=True)
class MediaItem:
    sid: str
    message_sid: str
    content_type: str
    url: str  # the media's own URL (without .json), as Twilio's inbound webhook gives it
    date_created: datetime | None


@translate_errors()
def list_messages(
    client: Client, *, to: str | None = None, from_: str | None = None, limit: int = 50
) -> list[MessageResult]:
    """The account's most recent messages to/from an address (newest first), e.g. to find a
    message an earlier send attempt created before its answer was lost."""
    found = client.messages.list(to=to, from_=from_, limit=limit, page_size=min(limit, 100))
    return [_message(instance) for instance in found]


@translate_errors()
def list_message_media(client: Client, message_sid: str) -> list[MediaItem]:
    """Every media item of a message (an inbound MMS or WhatsApp message may carry ten)."""
    found = client.messages(message_sid).media.list(page_size=20)
    items = []
    for instance in found:
        uri = (instance.uri or "").removesuffix(".json")
        items.append(
            MediaItem(
                sid=instance.sid,
                message_sid=message_sid,
                content_type=instance.content_type or "",
                url=f"https://api.twilio.com{uri}" if uri.startswith("/") else uri,
                date_created=instance.date_created,
            )
        )
    return items


# --- lookup (tenant credentials) --------------------------------------------------------


@translate_errors()
def lookup_phone_number(
    client: Client,
    phone_number: str,
    *,
    country_code: str | None = None,
    line_type: bool = True,
) -> PhoneLookup:
    """Validate a number (national format needs `country_code`) and, optionally, its line type."""
    instance = client.lookups.v2.phone_numbers(phone_number).fetch(
        fields="line_type_intelligence" if line_type else values.unset,
        country_code=country_code.upper() if country_code else values.unset,
    )
    intelligence = instance.line_type_intelligence
    if not isinstance(intelligence, Mapping):
        intelligence = {}
    return PhoneLookup(
        phone_number=instance.phone_number or phone_number,
        valid=bool(instance.valid),
        validation_errors=tuple(instance.validation_errors or ()),
        country_code=instance.country_code,
        national_format=instance.national_format,
        line_type=intelligence.get("type"),
        carrier_name=intelligence.get("carrier_name"),
    )
