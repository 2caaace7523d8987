"""Which number sends a service's Verify SMS to a country under its messaging
configurations: the country's configuration, else the `all` one; the first SMS-capable
number of that Messaging Service's pool. None: Twilio's own Verify sender."""

from __future__ import annotations

from sandbox.resources.messaging_services.models import ServicePhoneNumber
from sandbox.resources.verify_messaging_configurations.models import MessagingConfiguration
from sandbox.resources.verify_services.models import VerifyService

ALL = "all"


def sms_sender(service: VerifyService, country: str) -> str | None:
    configs = {
        c.country: c.messaging_service_sid
        for c in MessagingConfiguration.objects.filter(service=service, country__in=[country, ALL])
    }
    pool = configs.get(country) or configs.get(ALL)
    if not pool:
        return None
    member = (
        ServicePhoneNumber.objects.select_related("phone_number")
        .filter(service__sid=pool, phone_number__sms_capable=True)
        .order_by("date_created", "id")
        .first()
    )
    return member.phone_number.phone_number if member is not None else None
