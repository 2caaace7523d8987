"""Who answers a STOP, START or HELP: Twilio or this platform, decided per sender.

Twilio answers keywords itself on every SMS long code and toll-free number (its default
opt-out handling) and, through Advanced Opt-Out, on every sender of a messaging service that
enables it, WhatsApp included; the inbound webhook then carries `OptOutType`. Whatever Twilio
answered, a second reply from the platform would reach the phone twice (and, from a 10DLC
number without a campaign, fail with 30034 while Twilio's own reply is exempt). So:

- Twilio answers: SMS, and any sender whose inbound carries `OptOutType`. The platform
  records the consent and sends nothing. Twilio's replies can only be changed in the Twilio
  Console (Advanced Opt-Out of the messaging service); the settings page says where.
- The platform answers: WhatsApp senders outside Advanced Opt-Out, where Twilio does
  nothing; the reply is the tenant's text, or the default, as TwiML in the open session.
"""

from dataclasses import dataclass

from messaging.models import Channel
from provisioning.selectors import active_numbers
from tenants.models import Tenant

TWILIO = "twilio"
PLATFORM = "platform"


def keyword_responder(*, channel: str, twilio_handled: bool) -> str:
    """TWILIO or PLATFORM for one inbound keyword message."""
    if twilio_handled or channel == Channel.SMS:
        return TWILIO
    return PLATFORM


@dataclass(frozen=True)
class SenderResponder:
    """One line of the settings page: a sender, a channel, and who answers its keywords."""

    number: str
    channel: str
    responder: str
    messaging_service_sid: str
    explanation: str


def keyword_responders(tenant: Tenant) -> list[SenderResponder]:
    """Who answers keywords for each of the tenant's senders, for the settings page."""
    rows = []
    numbers = active_numbers(tenant).select_related("messaging_service").order_by("phone_number")
    for number in numbers:
        service = number.messaging_service.sid if number.messaging_service_id else ""
        if service:
            sms = (
                f"Twilio, with the Advanced Opt-Out replies of messaging service {service} "
                "(changed only in the Twilio Console)."
            )
        else:
            sms = "Twilio, with its standard replies."
        rows.append(SenderResponder(number.phone_number, Channel.SMS, TWILIO, service, sms))
        if number.whatsapp_enabled:
            whatsapp = "This platform, with your replies below."
            if service:
                whatsapp = (
                    f"Twilio if Advanced Opt-Out is on for {service}; otherwise this platform, "
                    "with your replies below."
                )
            rows.append(
                SenderResponder(number.phone_number, Channel.WHATSAPP, PLATFORM, service, whatsapp)
            )
    return rows
