"""Read-side helpers: which Twilio account and sender a tenant uses."""

from provisioning.models import MessagingService, PhoneNumber, TwilioSubaccount
from tenants.models import Tenant


def active_subaccount(tenant: Tenant) -> TwilioSubaccount | None:
    return (
        TwilioSubaccount.objects.for_tenant(tenant)
        .filter(status=TwilioSubaccount.Status.ACTIVE)
        .first()
    )


def open_subaccount(tenant: Tenant) -> TwilioSubaccount | None:
    """The tenant's subaccount in any state but closed (at most one exists)."""
    return (
        TwilioSubaccount.objects.for_tenant(tenant)
        .exclude(status=TwilioSubaccount.Status.CLOSED)
        .first()
    )


def messaging_service_for(tenant: Tenant) -> MessagingService | None:
    return MessagingService.objects.for_tenant(tenant).first()


def active_numbers(tenant: Tenant):
    return PhoneNumber.objects.for_tenant(tenant).filter(status=PhoneNumber.Status.ACTIVE)


def primary_number(tenant: Tenant) -> PhoneNumber | None:
    return active_numbers(tenant).filter(is_primary=True).first()


def tenant_for_number(phone_number: str) -> Tenant | None:
    """The tenant that owns an active number (inbound routing)."""
    number = (
        PhoneNumber.objects.filter(phone_number=phone_number, status=PhoneNumber.Status.ACTIVE)
        .select_related("tenant")
        .first()
    )
    return number.tenant if number else None
