"""The only door to Twilio: clients, typed operations, errors and webhook signatures.

Nothing else in the platform imports `twilio`; callers use `from isvplatform import gateway`
and the names below. What lives where:

- shared parts: `client.py` (Client factories), `http.py` (transports: retries, the sandbox),
  `errors.py` (`translate_errors` and the `GatewayError` hierarchy), `results.py` (the frozen
  dataclasses operations answer with), `signatures.py` (webhook signatures), `_common.py`
  (helpers several product modules share);
- one module per Twilio product family: `accounts` (subaccounts, auth tokens), `numbers`
  (phone numbers), `messages` (messages and media records), `media` (downloading media
  files), `messaging_services` (sender pools), `trusthub` (bundles, end users, documents,
  addresses), `a2p` (brands, vettings, campaigns), `lookups` (Lookup v2).

A new operation goes into its product's module and is added to the import and `__all__` below.
"""

from isvplatform.gateway.a2p import (
    create_a2p_campaign,
    create_brand_registration,
    delete_a2p_campaign,
    fetch_a2p_campaign,
    fetch_brand_registration,
    list_a2p_campaigns,
    list_a2p_use_cases,
    list_brand_registrations,
    list_brand_vettings,
)
from isvplatform.gateway.accounts import (
    create_secondary_auth_token,
    create_subaccount,
    delete_secondary_auth_token,
    fetch_account,
    find_subaccount_by_friendly_name,
    promote_secondary_auth_token,
    set_account_status,
)
from isvplatform.gateway.client import (
    account_client,
    http_client,
    master_account_sid,
    master_client,
    sandbox_master_credentials,
)
from isvplatform.gateway.errors import (
    AuthenticationError,
    GatewayError,
    NotFoundError,
    RejectedRequest,
    RetryableGatewayError,
    describe_error,
    translate_errors,
)
from isvplatform.gateway.lookups import (
    lookup_phone_number,
)
from isvplatform.gateway.media import MediaFile, MediaTooLarge, download_media
from isvplatform.gateway.messages import (
    fetch_message,
    list_message_media,
    list_messages,
    messages_created_since,
    send_message,
)
from isvplatform.gateway.messaging_services import (
    add_number_to_service,
    create_messaging_service,
    delete_messaging_service,
    fetch_messaging_service,
    find_messaging_service,
    list_service_number_sids,
    remove_number_from_service,
)
from isvplatform.gateway.numbers import (
    buy_number,
    fetch_number,
    list_numbers,
    release_number,
    search_available_numbers,
    search_numbers,
    transfer_number,
    update_number_webhooks,
)
from isvplatform.gateway.results import (
    Account,
    Address,
    AvailableNumber,
    BrandRegistration,
    BrandVetting,
    BundleEvaluation,
    EndUser,
    EntityAssignment,
    MediaItem,
    MessageResult,
    MessagingServiceInfo,
    PhoneLookup,
    PhoneNumber,
    SupportingDocument,
    TrustBundle,
    UsAppToPerson,
)
from isvplatform.gateway.signatures import (
    compute_signature,
    validate_signature,
)
from isvplatform.gateway.trusthub import (
    BUNDLE_KINDS,
    assign_to_bundle,
    create_address,
    create_end_user,
    create_supporting_document,
    create_trust_bundle,
    evaluate_bundle,
    fetch_trust_bundle,
    find_address,
    find_end_user,
    find_supporting_document,
    find_trust_bundles,
    list_bundle_assignments,
    submit_trust_bundle,
)

__all__ = [
    "BUNDLE_KINDS",
    "Account",
    "Address",
    "AuthenticationError",
    "AvailableNumber",
    "BrandRegistration",
    "BrandVetting",
    "BundleEvaluation",
    "EndUser",
    "EntityAssignment",
    "GatewayError",
    "MediaFile",
    "MediaItem",
    "MediaTooLarge",
    "MessageResult",
    "MessagingServiceInfo",
    "NotFoundError",
    "PhoneLookup",
    "PhoneNumber",
    "RejectedRequest",
    "RetryableGatewayError",
    "SupportingDocument",
    "TrustBundle",
    "UsAppToPerson",
    "account_client",
    "add_number_to_service",
    "assign_to_bundle",
    "buy_number",
    "compute_signature",
    "create_a2p_campaign",
    "create_address",
    "create_brand_registration",
    "create_end_user",
    "create_messaging_service",
    "create_secondary_auth_token",
    "create_subaccount",
    "create_supporting_document",
    "create_trust_bundle",
    "delete_a2p_campaign",
    "delete_messaging_service",
    "delete_secondary_auth_token",
    "describe_error",
    "download_media",
    "evaluate_bundle",
    "fetch_a2p_campaign",
    "fetch_account",
    "fetch_brand_registration",
    "fetch_message",
    "fetch_messaging_service",
    "fetch_number",
    "fetch_trust_bundle",
    "find_address",
    "find_end_user",
    "find_messaging_service",
    "find_subaccount_by_friendly_name",
    "find_supporting_document",
    "find_trust_bundles",
    "http_client",
    "list_a2p_campaigns",
    "list_a2p_use_cases",
    "list_brand_registrations",
    "list_brand_vettings",
    "list_bundle_assignments",
    "list_message_media",
    "list_messages",
    "list_numbers",
    "list_service_number_sids",
    "lookup_phone_number",
    "master_account_sid",
    "master_client",
    "messages_created_since",
    "promote_secondary_auth_token",
    "release_number",
    "remove_number_from_service",
    "sandbox_master_credentials",
    "search_available_numbers",
    "search_numbers",
    "send_message",
    "set_account_status",
    "submit_trust_bundle",
    "transfer_number",
    "translate_errors",
    "update_number_webhooks",
    "validate_signature",
]
