"""The email channel's writes (B1 writes this module's head; this file is B2's placeholder
until h-email-send is merged)."""

# --- tracking, suppression, identities, credentials (B2) --------------------------------
from emails.services.credentials import credentials_delete, credentials_save
from emails.services.identities import (
    DnsRecord,
    dns_records,
    identity_check,
    identity_check_now,
    identity_create,
    identity_delete,
    identity_mark_verified,
    identity_submit,
    verified_identity_for,
)
from emails.services.setup import credentials_setup, tracking_url
from emails.services.suppression import is_suppressed, suppress, unsuppress
from emails.services.tracking import tracking_event_apply

__all__ = [
    # --- tracking, suppression, identities, credentials (B2)
    "DnsRecord",
    "credentials_delete",
    "credentials_save",
    "credentials_setup",
    "dns_records",
    "identity_check",
    "identity_check_now",
    "identity_create",
    "identity_delete",
    "identity_mark_verified",
    "identity_submit",
    "is_suppressed",
    "suppress",
    "tracking_event_apply",
    "tracking_url",
    "unsuppress",
    "verified_identity_for",
]
