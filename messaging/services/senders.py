"""Which sender a message goes out as: the tenant's messaging service, a number, or the
platform's master fallback number, within the Twilio account the tenant sends through."""

from dataclasses import dataclass

from django.conf import settings

from messaging.models import Channel
from messaging.services.common import SendRefused
from provisioning.accounts import NoTwilioAccount, TenantAccount, tenant_account
from provisioning.models import PhoneNumber
from provisioning.selectors import active_numbers, messaging_service_for, primary_number
from tenants.models import Tenant


@dataclass(frozen=True)
class Sender:
    """Who a message goes out as: a number, or a messaging service that picks one."""

    channel: str
    to: str
    from_number: str
    messaging_service_sid: str
    account_sid: str
    via_master: bool
    number: PhoneNumber | None = None


def account_or_refuse(tenant: Tenant) -> TenantAccount:
    try:
        return tenant_account(tenant)
    except NoTwilioAccount as err:
        raise SendRefused("no_twilio_account", str(err)) from err


def select_sender(
    *, tenant: Tenant, channel: str, to: str, from_: str = "", account: TenantAccount
) -> Sender:
    """The tenant's messaging service, else its primary number, else the master fallback."""
    numbers = active_numbers(tenant)
    if account.via_master:
        numbers = numbers.filter(subaccount__isnull=True)
    if channel == Channel.WHATSAPP:
        numbers = numbers.filter(whatsapp_enabled=True)

    def by_number(number: PhoneNumber) -> Sender:
        return Sender(
            channel=channel,
            to=to,
            from_number=number.phone_number,
            messaging_service_sid="",
            account_sid=account.account_sid,
            via_master=account.via_master,
            number=number,
        )

    fallback = settings.TWILIO_FALLBACK_FROM_NUMBER if account.via_master else ""
    if from_:
        number = numbers.filter(phone_number=from_).first()
        if number is not None:
            return by_number(number)
        if fallback and from_ == fallback and channel == Channel.SMS:
            return Sender(channel, to, fallback, "", account.account_sid, True)
        what = "a WhatsApp-enabled" if channel == Channel.WHATSAPP else "an active"
        raise SendRefused("invalid_sender", f"{from_} is not {what} number of yours.", "from")

    if channel == Channel.WHATSAPP:
        number = numbers.order_by("-is_primary", "phone_number").first()
        if number is None:
            raise SendRefused(
                "no_whatsapp_sender",
                "None of your numbers is enabled as a WhatsApp sender yet.",
                "channel",
            )
        return by_number(number)

    service = None if account.via_master else messaging_service_for(tenant)
    if service is not None:
        return Sender(channel, to, "", service.sid, account.account_sid, False)
    primary = primary_number(tenant)
    if primary is not None and (not account.via_master or primary.subaccount_id is None):
        return by_number(primary)
    number = numbers.order_by("phone_number").first()
    if number is not None:
        return by_number(number)
    if fallback:
        return Sender(channel, to, fallback, "", account.account_sid, True)
    raise SendRefused(
        "no_sender", "You have no phone number to send from yet; buy one on the Numbers page."
    )
