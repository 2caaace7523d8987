"""The frozen dataclasses gateway operations answer with, shared by every product module.

Callers read these instead of SDK instances, so an SDK upgrade changes the mapping functions
in the product modules, never the platform's code.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from isvplatform.crypto import Secret


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
class ApiKey:
    sid: str
    friendly_name: str
    date_created: datetime | None
    # Only a create answers the secret; it stays wrapped until a client needs it.
    secret: Secret | None = field(default=None, repr=False, compare=False)


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
class TollfreeVerification:
    sid: str
    status: str
    tollfree_phone_number_sid: str
    tollfree_phone_number: str
    rejection_reason: str | None
    error_code: int | None
    rejection_reasons: tuple[dict, ...]
    edit_allowed: bool | None
    edit_expiration: datetime | None
    external_reference_id: str | None
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


@dataclass(frozen=True)
class MediaItem:
    sid: str
    message_sid: str
    content_type: str
    url: str  # the media's own URL (without .json), as Twilio's inbound webhook gives it
    date_created: datetime | None


@dataclass(frozen=True)
class ContentApproval:
    """A Content's WhatsApp approval as Twilio reports it; `status` is lower-case
    (`unsubmitted`, `received`, `pending`, `approved`, `rejected`, `paused`, `disabled`),
    `category` upper-case as Twilio stores it (compare case-insensitively)."""

    content_sid: str
    name: str
    category: str
    content_type: str
    status: str
    rejection_reason: str
    allow_category_change: bool | None


@dataclass(frozen=True)
class ContentTemplate:
    """A Content API item (`HX…`); `types` keyed by Twilio's type names (`twilio/text`).
    `approval` is filled by the ContentAndApprovals list, None from create and fetch."""

    sid: str
    account_sid: str
    friendly_name: str
    language: str
    variables: dict
    types: dict
    date_created: datetime | None
    date_updated: datetime | None
    approval: ContentApproval | None = None


@dataclass(frozen=True)
class UsageDay:
    """One day of one usage category, as Twilio's Usage Records answer it."""

    category: str
    day: date
    count: int
    usage: Decimal
    price: Decimal
    price_unit: str


@dataclass(frozen=True)
class UsageTriggerInfo:
    """One Usage Trigger as Twilio answers it: it calls `callback_url` once per `recurring`
    period when the account's `usage_category` reaches `trigger_value` (by `trigger_by`)."""

    sid: str
    account_sid: str
    friendly_name: str
    usage_category: str
    recurring: str
    trigger_by: str
    trigger_value: Decimal
    current_value: Decimal | None
    callback_url: str
    callback_method: str
    date_fired: datetime | None
