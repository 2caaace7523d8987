"""Putting a code in front of the person, and what it costs.

SMS come from Twilio's Verify short code (or a number of the Messaging Service a messaging
configuration names for the country), WhatsApp from Twilio's Verify sender (or the
service's own `Whatsapp.From`), calls from Twilio's Verify caller ID: all shown on the
handset simulator; emails land in the sandbox mailbox. Every attempt is billed in its
`verify-*` usage category at list price; a successful verification adds Twilio's success
fee to the category of the channel that delivered it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sandbox.core import usage
from sandbox.core.models import UsageEntry
from sandbox.core.sids import new_sid
from sandbox.resources.verifications import texts
from sandbox.resources.verifications.models import Verification, VerifyDelivery
from sandbox.resources.verify_messaging_configurations import senders

SMS_SENDER = "26821"
WHATSAPP_SENDER = "whatsapp:+15557013001"
CALLER_ID = "+15557013002"
EMAIL_SENDER = "no-reply@verify.twilio.com"
CATEGORIES = {
    "sms": "verify-sms",
    "whatsapp": "verify-whatsapp-conversations-business-initiated",
    "call": "verify-voice",
    "email": "verify-email",
}
SUCCESS_FEE = Decimal("0.0500")
"""Twilio's list price per successful verification, on top of the channel's price."""


def deliver(
    verification: Verification,
    *,
    name: str,
    code: str,
    attempt_sid: str,
    at: dt.datetime,
    sms_text: str = "",
    email_config: dict | None = None,
) -> VerifyDelivery:
    """Record what the channel delivered (and bill it); `sms_text` overrides the wording
    (a template, a custom substitution, an app hash)."""
    channel, locale = verification.channel, verification.locale
    subject = ""
    if channel == "sms":
        sender = senders.sms_sender(verification.service, verification.country) or SMS_SENDER
        body = sms_text
    elif channel == "whatsapp":
        sender = verification.service.whatsapp_from or WHATSAPP_SENDER
        body = texts.whatsapp(locale, name, code)
    elif channel == "call":
        sender, body = CALLER_ID, sms_text or texts.call(locale, name, code)
    else:
        config = email_config or {}
        sender = config.get("from") or EMAIL_SENDER
        if config.get("from_name"):
            sender = f"{config['from_name']} <{sender}>"
        subject, body = texts.email(locale, name, code)
    entry = usage.entry(verification.account.sid, CATEGORIES[channel], at)
    delivery = VerifyDelivery.objects.create(
        sid=attempt_sid,
        account=verification.account,
        verification_sid=verification.sid,
        service_sid=verification.service.sid,
        channel=channel,
        country=verification.country,
        locale=locale,
        code_length=len(code),
        price=entry.price,
        from_address=sender,
        to_address=verification.to,
        subject=subject,
        body=body,
        date_created=at,
    )
    entry.resource_sid = attempt_sid
    usage.record([entry])
    return delivery


def charge_success(verification: Verification, at: dt.datetime) -> None:
    last = verification.send_code_attempts[-1]["channel"] if verification.send_code_attempts else ""
    category = CATEGORIES.get(last.lower(), CATEGORIES["sms"])
    usage.record(
        [
            UsageEntry(
                account_sid=verification.account.sid,
                category=category,
                day=at.date(),
                count=0,
                usage=0,
                price=SUCCESS_FEE,
                resource_sid=verification.sid,
            )
        ]
    )


def new_attempt_sid() -> str:
    return new_sid("VL")
