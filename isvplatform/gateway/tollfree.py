"""Toll-free verifications (messaging v1 Tollfree/Verifications).

A toll-free number may send US/CA traffic only once Twilio approved its verification (30032
otherwise). Like A2P, these act for the account whose client is passed: the tenant's
subaccount. The form is a mapping of the SDK's keyword names (`business_name`, ...).
"""

from collections.abc import Mapping
from typing import Any

from twilio.rest import Client

from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import TollfreeVerification

FORM_FIELDS = frozenset(
    {
        "business_name",
        "business_website",
        "notification_email",
        "use_case_categories",
        "use_case_summary",
        "production_message_sample",
        "opt_in_image_urls",
        "opt_in_type",
        "message_volume",
        "customer_profile_sid",
        "business_street_address",
        "business_street_address2",
        "business_city",
        "business_state_province_region",
        "business_postal_code",
        "business_country",
        "additional_information",
        "business_contact_first_name",
        "business_contact_last_name",
        "business_contact_email",
        "business_contact_phone",
        "business_registration_number",
        "business_registration_authority",
        "business_registration_country",
        "business_type",
        "business_registration_phone_number",
        "doing_business_as",
        "opt_in_confirmation_message",
        "help_message_sample",
        "privacy_policy_url",
        "terms_and_conditions_url",
        "age_gated_content",
        "opt_in_keywords",
    }
)
CREATE_ONLY = frozenset({"customer_profile_sid"})


def _verification(instance: Any) -> TollfreeVerification:
    return TollfreeVerification(
        sid=instance.sid,
        status=str(instance.status or ""),
        tollfree_phone_number_sid=instance.tollfree_phone_number_sid or "",
        tollfree_phone_number=instance.tollfree_phone_number or "",
        rejection_reason=instance.rejection_reason,
        error_code=instance.error_code,
        rejection_reasons=tuple(dict(r) for r in instance.rejection_reasons or ()),
        edit_allowed=instance.edit_allowed,
        edit_expiration=instance.edit_expiration,
        external_reference_id=instance.external_reference_id,
        date_updated=instance.date_updated,
    )


def _form(fields: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    """The known, non-empty fields (empty ones are left out, as the SDK leaves unset ones)."""
    return {k: v for k, v in fields.items() if k in allowed and v not in (None, "", [], ())}


@translate_errors()
def create_tollfree_verification(
    client: Client,
    *,
    tollfree_phone_number_sid: str,
    fields: Mapping[str, Any],
    external_reference_id: str | None = None,
) -> TollfreeVerification:
    """Submit the number for verification (it starts PENDING_REVIEW)."""
    form = _form(fields, FORM_FIELDS)
    if external_reference_id:
        form["external_reference_id"] = external_reference_id
    return _verification(
        client.messaging.v1.tollfree_verifications.create(
            tollfree_phone_number_sid=tollfree_phone_number_sid, **form
        )
    )


@translate_errors()
def fetch_tollfree_verification(client: Client, sid: str) -> TollfreeVerification:
    return _verification(client.messaging.v1.tollfree_verifications(sid).fetch())


@translate_errors()
def update_tollfree_verification(
    client: Client, sid: str, *, fields: Mapping[str, Any], edit_reason: str
) -> TollfreeVerification:
    """Edit a rejected verification within its edit window: it goes back to review."""
    form = _form(fields, FORM_FIELDS - CREATE_ONLY)
    return _verification(
        client.messaging.v1.tollfree_verifications(sid).update(edit_reason=edit_reason, **form)
    )


@translate_errors()
def delete_tollfree_verification(client: Client, sid: str) -> None:
    client.messaging.v1.tollfree_verifications(sid).delete()
