"""The checks a verification passes before anything is sent (wave2-facts §4.2, §4.3).

- Geo permissions (60605, 403): the account's Verify countries; a subaccount without its
  own setting follows its parent's; the default lets every country through.
- Fraud Guard (60410, 403): a burst of SMS verifications from one account to many numbers
  under one prefix, none of them approved, is SMS pumping; the prefix is blocked 12 hours.
- Landlines (60205, 403) take no SMS (the line type Lookup reports).
- Concurrency (60212, 429): at most `MAX_CONCURRENT` pending verifications to one number
  across an account's services.

`RiskCheck=disable` (SMS only) skips geo permissions and Fraud Guard for the attempt; so
does a number on the account's SafeList.
"""

from __future__ import annotations

import datetime as dt

from sandbox.core.errors import TwilioError
from sandbox.core.models import Account
from sandbox.resources.lookups.handlers import line_type
from sandbox.resources.verifications.models import FraudGuardBlock, Verification, VerifyDelivery
from sandbox.resources.verify_safelist.models import SafeListNumber
from sandbox.resources.verify_services.models import VerifyGeoPermissions

GEO_BLOCKED = 60605
FRAUD_GUARD = 60410
LANDLINE = 60205
TOO_MANY_CONCURRENT = 60212
MAX_CONCURRENT = 5
FRAUD_WINDOW = dt.timedelta(minutes=10)
FRAUD_BURST = 10
"""Distinct unconverted numbers under one prefix within `FRAUD_WINDOW` that trip the guard."""
FRAUD_BLOCK = dt.timedelta(hours=12)
PREFIX_TAIL = 4
"""A prefix is the E.164 number without its last four digits (`+1415555` of +14155550100)."""


def prefix_of(e164: str) -> str:
    return e164[:-PREFIX_TAIL]


def safe_listed(account: Account, to: str) -> bool:
    return SafeListNumber.objects.filter(account=account, phone_number=to).exists()


def geo_permissions(account: Account) -> VerifyGeoPermissions | None:
    for candidate in (account.id, account.owner_id):
        if candidate is None:
            continue
        found = VerifyGeoPermissions.objects.filter(account_id=candidate).first()
        if found is not None:
            return found
    return None


def check_geo(account: Account, country: str) -> None:
    permissions = geo_permissions(account)
    if permissions is not None and country and not permissions.permits(country):
        raise TwilioError(
            GEO_BLOCKED,
            403,
            f"Verification to {country} is blocked by Verify Geo-Permissions for this account",
        )


def check_fraud_guard(account: Account, e164: str, now: dt.datetime) -> None:
    prefix = prefix_of(e164)
    if FraudGuardBlock.objects.filter(
        account=account, prefix=prefix, blocked_until__gt=now
    ).exists():
        raise TwilioError(
            FRAUD_GUARD,
            403,
            f"Verification delivery attempt blocked: Fraud Guard blocked the prefix {prefix} "
            "after detecting SMS pumping traffic",
        )


def observe_sms(account: Account, e164: str, now: dt.datetime) -> FraudGuardBlock | None:
    """After an SMS send: block the prefix if the account's recent traffic to it pumps."""
    prefix = prefix_of(e164)
    recent = VerifyDelivery.objects.filter(
        account=account,
        channel=VerifyDelivery.Channel.SMS,
        to_address__startswith=prefix,
        date_created__gt=now - FRAUD_WINDOW,
    )
    approved = Verification.objects.filter(
        account=account, to__startswith=prefix, status=Verification.Status.APPROVED
    ).values_list("to", flat=True)
    numbers = set(recent.values_list("to_address", flat=True)) - set(approved)
    if len(numbers) < FRAUD_BURST:
        return None
    return block_prefix(account, prefix, now)


def block_prefix(account: Account, prefix: str, now: dt.datetime) -> FraudGuardBlock:
    block = FraudGuardBlock.objects.filter(
        account=account, prefix=prefix, blocked_until__gt=now
    ).first()
    if block is not None:
        return block
    return FraudGuardBlock.objects.create(
        account=account, prefix=prefix, blocked_until=now + FRAUD_BLOCK, date_created=now
    )


def check_landline(e164: str) -> None:
    if line_type(e164) == "landline":
        raise TwilioError(LANDLINE, 403, "SMS is not supported by landline phone number")


def check_concurrency(account: Account, to: str, now: dt.datetime) -> None:
    pending = Verification.objects.filter(
        account=account, to=to, status=Verification.Status.PENDING, expires_at__gt=now
    ).count()
    if pending >= MAX_CONCURRENT:
        raise TwilioError(
            TOO_MANY_CONCURRENT, 429, f"Too many concurrent requests for phone number {to}"
        )


def set_geo_permissions(
    account: Account,
    now: dt.datetime,
    *,
    allowed: list[str] | None = None,
    blocked: list[str] | None = None,
) -> VerifyGeoPermissions:
    """Set the account's Verify countries (ISO 3166 alpha-2): `allowed` only these (None:
    every country), minus `blocked`."""
    row, _ = VerifyGeoPermissions.objects.update_or_create(
        account=account,
        defaults={
            "allowed": sorted({c.upper() for c in allowed}) if allowed is not None else None,
            "blocked": sorted({c.upper() for c in blocked or ()}),
            "date_updated": now,
        },
    )
    return row
