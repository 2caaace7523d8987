"""Demo data for messaging: the demo tenant's number doubles as its WhatsApp sender.

`make run` enables the demo number as a WhatsApp sender in the sandbox at once (more senders
are connected from the portal, `whatsapp/`), so two-way WhatsApp can be shown with the
handset simulator. Runs after the provisioning step that buys the number; safe to run again.
"""

import logging

from django.conf import settings

from provisioning.models import PhoneNumber
from provisioning.selectors import primary_number
from tenants.models import Tenant

logger = logging.getLogger(__name__)


def enable_demo_whatsapp(tenant: Tenant) -> None:
    in_sandbox = (getattr(settings, "TWILIO_MODE", "sandbox") or "sandbox").lower() == "sandbox"
    if not (in_sandbox or tenant.is_demo):
        return  # a demo tenant's number is a sandbox number whatever the mode
    number = primary_number(tenant)
    if number is None:
        logger.info("demo: %s has no number yet; WhatsApp not enabled", tenant)
        return
    from sandbox.services import enable_whatsapp

    try:
        enable_whatsapp(number.phone_number, display_name=tenant.name)
    except ValueError:
        logger.warning("demo: %s is not a sandbox number; WhatsApp not enabled", number)
        return
    if not number.whatsapp_enabled:
        PhoneNumber.objects.filter(pk=number.pk).update(whatsapp_enabled=True)
