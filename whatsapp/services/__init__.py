"""WhatsApp sender services: onboarding (request, Twilio sender, verification code) and
polling. Views, the API, admin and tasks call these."""

from whatsapp.services.common import SenderConflict
from whatsapp.services.onboarding import (
    available_numbers,
    request_new_code,
    resend_code,
    start_onboarding,
    submit_code,
    submit_sender,
    verify_sender,
)
from whatsapp.services.polling import apply_found, due_senders, poll_sender, sync_senders

__all__ = [
    "SenderConflict",
    "apply_found",
    "available_numbers",
    "due_senders",
    "poll_sender",
    "request_new_code",
    "resend_code",
    "start_onboarding",
    "submit_code",
    "submit_sender",
    "sync_senders",
    "verify_sender",
]
