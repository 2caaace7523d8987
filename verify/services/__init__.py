"""Verify's services: switching it on and off, its settings, its service at Twilio, and
sending and checking codes. Callers import from here."""

from verify.services.checking import check_verification
from verify.services.provisioning import (
    services_to_reconcile,
    verify_service_record_error,
    verify_service_sync,
)
from verify.services.sending import ready_service, start_verification
from verify.services.settings import (
    allowed_countries,
    disable_verify,
    enable_verify,
    home_country,
    request_sync,
    update_settings,
)

__all__ = [
    "allowed_countries",
    "check_verification",
    "disable_verify",
    "enable_verify",
    "home_country",
    "ready_service",
    "request_sync",
    "services_to_reconcile",
    "start_verification",
    "update_settings",
    "verify_service_record_error",
    "verify_service_sync",
]
