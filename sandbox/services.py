"""Python entry points for demo and test code that sets the sandbox up (not Twilio API)."""

from __future__ import annotations

import secrets

from django.db import transaction

from sandbox.core import auth
from sandbox.core.auth import ensure_master_account
from sandbox.core.models import Account
from sandbox.core.sids import new_sid
from sandbox.core.state import load_state
from sandbox.resources.channel_senders.models import WhatsAppSender
from sandbox.resources.messaging_services.models import MessagingService
from sandbox.resources.phone_numbers.models import PhoneNumber
from sandbox.resources.verifications import protections

__all__ = [
    "create_standalone_account",
    "enable_whatsapp",
    "ensure_master_account",
    "get_test_credentials",
    "set_advanced_opt_out",
    "set_verify_geo_permissions",
    "trip_fraud_guard",
]


def get_test_credentials(account_sid: str) -> tuple[str, str]:
    """(test SID, test token) of a sandbox account, as Twilio's Console shows them: only
    Messages and IncomingPhoneNumbers create answer them, with the magic numbers' outcomes."""
    if account_sid == auth.master_credentials()[0]:
        ensure_master_account()
    account = Account.objects.filter(sid=account_sid).first()
    if account is None:
        raise ValueError(f"{account_sid} is not a sandbox account")
    return auth.test_credentials(account)


def create_standalone_account(friendly_name: str = "Own Twilio account") -> Account:
    """An account of its own (no parent), as a business that signed up with Twilio directly
    has: its SID and auth token are what it gives to connect it to the platform."""
    now = load_state().now
    return Account.objects.create(
        sid=new_sid("AC"),
        friendly_name=friendly_name[:255],
        auth_token=secrets.token_hex(16),
        auth_token_created=now,
        date_created=now,
        date_updated=now,
    )


def enable_whatsapp(
    phone_number: str,
    *,
    display_name: str = "",
    callback_url: str = "",
    status_callback_url: str = "",
) -> WhatsAppSender:
    """Make a number an online WhatsApp sender of the account that owns it.

    The number must be one a sandbox account bought; `whatsapp:+1...` messages can then be
    sent from it and handsets can write to it on WhatsApp.
    """
    phone_number = phone_number.removeprefix("whatsapp:")
    number = PhoneNumber.objects.select_related("account").filter(phone_number=phone_number).first()
    if number is None:
        raise ValueError(f"{phone_number} is not owned by any sandbox account")
    now = load_state().now
    with transaction.atomic():
        sender, _ = WhatsAppSender.objects.update_or_create(
            phone_number=phone_number,
            defaults={
                "account": number.account,
                "status": WhatsAppSender.Status.ONLINE,
                "display_name": display_name,
                "callback_url": callback_url,
                "status_callback_url": status_callback_url,
                "date_updated": now,
            },
            create_defaults={
                "sid": new_sid("XE"),
                "account": number.account,
                "status": WhatsAppSender.Status.ONLINE,
                "display_name": display_name,
                "callback_url": callback_url,
                "status_callback_url": status_callback_url,
                "date_created": now,
                "date_updated": now,
            },
        )
    return sender


def set_advanced_opt_out(service_sid: str, enabled: bool) -> None:
    """Advanced Opt-Out is a Console setting on Twilio; here a switch per service."""
    updated = MessagingService.objects.filter(sid=service_sid).update(advanced_opt_out=enabled)
    if not updated:
        raise ValueError(f"no messaging service {service_sid}")


def _account(account_sid: str) -> Account:
    account = Account.objects.filter(sid=account_sid).first()
    if account is None:
        raise ValueError(f"{account_sid} is not a sandbox account")
    return account


def set_verify_geo_permissions(
    account_sid: str, *, allowed: list[str] | None = None, blocked: list[str] | None = None
) -> None:
    """Verify Geo Permissions are a Console setting on Twilio: the countries (ISO alpha-2)
    Verify may reach for the account, `allowed` only (None: all) minus `blocked`. Others
    answer 403 / 60605. Subaccounts without a setting of their own follow their parent."""
    protections.set_geo_permissions(
        _account(account_sid), load_state().now, allowed=allowed, blocked=blocked
    )


def trip_fraud_guard(account_sid: str, *, number: str = "", prefix: str = "") -> str:
    """Make Fraud Guard block a prefix for the account for 12 hours, as SMS pumping to it
    would: SMS verifications to it then answer 403 / 60410. `number` blocks that number's
    prefix (the E.164 number without its last four digits). Returns the prefix blocked."""
    if not (number or prefix):
        raise ValueError("give a number or a prefix")
    prefix = prefix.strip() or protections.prefix_of(number.strip())
    protections.block_prefix(_account(account_sid), prefix, load_state().now)
    return prefix
