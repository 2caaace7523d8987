"""What each audit event code means, as the sentence the dashboard and the audit log show.

Services write stable codes (`member.invited`); people read "Invited a team member". A code
missing here still reads as words (`humanize_code`), so a new service never shows a raw code.
"""

from isvplatform.labels import humanize_code

AUDIT_ACTIONS: dict[str, str] = {
    # account and people
    "tenant.created": "Created the account",
    "tenant.updated": "Changed the account details",
    "tenant.suspended": "Suspended the account",
    "tenant.active": "Reactivated the account",
    "tenant.closed": "Closed the account",
    "customer.signed_up": "Signed up",
    "business_profile.updated": "Updated the business profile",
    "business_profile.verified": "Verified the business profile",
    "business_profile.rejected": "Rejected the business profile",
    "member.invited": "Invited a team member",
    "member.invitation_resent": "Sent an invitation again",
    "member.role_changed": "Changed a team member's role",
    "member.removed": "Removed a team member",
    "api_key.created": "Created an API key",
    "api_key.revoked": "Revoked an API key",
    # verification (Twilio Verify)
    "verify.enabled": "Switched Verify on",
    "verify.disabled": "Switched Verify off",
    "verify.settings_changed": "Changed the Verify settings",
    "verify.service_created": "Created the Twilio Verify service",
    "verify.service_adopted": "Took over an existing Twilio Verify service",
    "verify.service_recreated": "Recreated the Twilio Verify service (it was missing at Twilio)",
    "verify.service_updated": "Pushed the Verify settings to Twilio",
    "verify.resync": "Asked to re-sync the Verify service with Twilio",
    "verify.pumping_alert": "Refused a burst of codes to one prefix (possible SMS pumping)",
    "verify.pumping_alert_reviewed": "Reviewed an SMS pumping alert",
    # Twilio subaccount and numbers
    "subaccount.requested": "Asked for a Twilio subaccount",
    "subaccount.created": "Created the Twilio subaccount",
    "subaccount.adopted": "Took over an existing Twilio subaccount",
    "subaccount.retry": "Retried setting up the Twilio subaccount",
    "subaccount.active": "Activated the Twilio subaccount",
    "subaccount.failed": "Setting up the Twilio subaccount failed",
    "subaccount.suspended": "Suspended the Twilio subaccount",
    "subaccount.reactivated": "Reactivated the Twilio subaccount",
    "subaccount.close_scheduled": "Scheduled the Twilio subaccount to close",
    "subaccount.close_cancelled": "Cancelled closing the Twilio subaccount",
    "subaccount.closed": "Closed the Twilio subaccount",
    "subaccount.token_rotated": "Rotated the Twilio auth token",
    "subaccount.api_key_created": "Created the Twilio API key for REST calls",
    "subaccount.api_key_rotated": "Rotated the Twilio API key",
    "subaccount.number_limit_changed": "Changed the phone number limit",
    "subaccount.reconciled": "Compared the Twilio subaccount with Twilio",
    "number.purchased": "Bought a phone number",
    "number.primary_set": "Chose the primary phone number",
    "number.released": "Released a phone number",
    "number.returned_to_pool": "Released a phone number (back to the pool)",
    "number.allocated_from_pool": "Received a phone number from the pool",
    "number.found_in_twilio": "Found a phone number in Twilio",
    "number.gone_from_twilio": "A phone number disappeared from Twilio",
    "pool.number_purchased": "Bought a number into the pool",
    "pool.number_released": "Released a pool number",
    "platform_key.created": "Created a platform key",
    "platform_key.revoked": "Revoked a platform key",
    "billing.stripe_customer_linked": "Linked a Stripe customer",
    "billing.plan_changed": "Changed the price plan",
    "billing.quota_set": "Changed a sending quota",
    # messaging and webhooks
    "messaging_settings.updated": "Changed the messaging settings",
    "optout.added": "Added an opt-out",
    "optout.removed": "Removed an opt-out",
    "verify_widget.key_created": "Created the verification widget's publishable key",
    "verify_widget.key_rotated": "Rotated the verification widget's publishable key",
    "verify_widget.secret_rotated": "Replaced the widget's token signing secret",
    "verify_widget.updated": "Changed the verification widget",
    "webhook_endpoint.created": "Added a webhook endpoint",
    "webhook_endpoint.updated": "Changed a webhook endpoint",
    "webhook_endpoint.deleted": "Deleted a webhook endpoint",
    "webhook_endpoint.secret_rotated": "Rotated a webhook signing secret",
    "webhook_delivery.redelivered": "Redelivered a webhook",
    "retention_policy.updated": "Changed the data retention periods",
    # two-factor sign-in (twofactor/)
    "two_factor.enabled": "Switched on two-factor sign-in",
    "two_factor.disabled": "Switched off two-factor sign-in",
    "two_factor.recovery_codes_regenerated": "Made new two-factor recovery codes",
    "two_factor.reset": "Reset a person's two-factor sign-in (staff)",
    "security_policy.updated": "Changed the two-factor sign-in rule",
    "retention.applied": "Removed data past its retention period",
    # A2P 10DLC
    "a2p.registration.saved": "Saved a 10DLC registration draft",
    "a2p.registration.submitted": "Submitted the 10DLC registration",
    "a2p.registration.updated": "Updated the 10DLC registration",
    "a2p.registration.repolled": "Checked the 10DLC registration with Twilio again",
}

# `a2p.<step>.<status>` codes name a registration step and the status it reached.
A2P_STEPS = {
    "registration": "10DLC registration",
    "customer_profile": "Business profile (TrustHub)",
    "trust_product": "A2P messaging profile (TrustHub)",
    "brand": "10DLC brand",
    "messaging_service": "Messaging service",
    "campaign": "10DLC campaign",
}


def audit_action_label(action: str) -> str:
    """The sentence for an audit event code."""
    if action in AUDIT_ACTIONS:
        return AUDIT_ACTIONS[action]
    parts = action.split(".")
    if len(parts) == 3 and parts[0] == "a2p" and parts[1] in A2P_STEPS:
        return f"{A2P_STEPS[parts[1]]}: {humanize_code(parts[2]).lower()}"
    return humanize_code(action)


def audit_action_choices(actions) -> list[tuple[str, str]]:
    """(code, sentence) pairs for a filter menu, sorted by the sentence."""
    return sorted(((a, audit_action_label(a)) for a in set(actions)), key=lambda c: c[1])
