"""What every step of the 10DLC chain shares: its errors, settings, the paced Twilio client
and the small save and poll-scheduling helpers."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from compliance import pacing
from compliance.models import TwilioReviewed
from isvplatform.public import absolute_url
from provisioning.accounts import tenant_account
from tenants.models import Tenant

RUN_LEASE = timedelta(minutes=10)


POLL_LEASE = timedelta(minutes=2)


class ComplianceConflict(Exception):
    """The request conflicts with a registration's state (the API answers 409)."""


class ChainWaiting(Exception):
    """The chain can't go on yet for a reason outside Twilio's review of this tenant."""


def seconds_setting(name: str, default: float) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name, default)))


def poll_delay(attempts: int) -> timedelta:
    """Exponential backoff between polls of one object, capped."""
    base = seconds_setting("A2P_POLL_BASE_SECONDS", 60)
    cap = seconds_setting("A2P_POLL_MAX_SECONDS", 6 * 3600)
    return min(cap, base * (2 ** min(attempts, 16)))


def isv_email() -> str:
    return getattr(settings, "A2P_ISV_EMAIL", "") or "compliance@isvplatform.example.com"


def trusthub_callback_url() -> str:
    return absolute_url("/webhooks/twilio/trusthub")


@dataclass(frozen=True)
class Api:
    """A tenant's (or the master's) client whose A2P calls are paced per account."""

    client: Any
    account_sid: str

    def __call__(self, operation, *args, **kwargs):
        return pacing.paced(self.account_sid, operation, self.client, *args, **kwargs)


def api_for(tenant: Tenant) -> Api:
    account = tenant_account(tenant)
    if account.via_master:
        # Registrations belong to the tenant's own account; the master's fallback can't hold them.
        raise ChainWaiting(
            "The tenant's Twilio subaccount isn't active yet; registration starts once it is."
        )
    return Api(account.client(), account.account_sid)


def save_fields(obj, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, "updated_at"])


def schedule_poll(obj: TwilioReviewed) -> None:
    if obj.is_final:
        if obj.next_poll_at is not None:
            save_fields(obj, next_poll_at=None)
        return
    save_fields(obj, next_poll_at=timezone.now() + poll_delay(obj.poll_attempts))
