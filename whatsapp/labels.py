"""The words pages show for the app's codes (isvplatform/labels.py)."""

from isvplatform.labels import register_labels
from whatsapp.models import SenderStatus, VerificationMethod

register_labels("whatsapp_sender_status", SenderStatus)
register_labels("whatsapp_verification_method", VerificationMethod)
