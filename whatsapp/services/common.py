"""What the sender services share: the tenant's Twilio client, the poll backoff, the claim
on a row during a Twilio call, and the one function that moves a sender's status (recorded
on its timeline, audited, announced)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from isvplatform import claims
from provisioning.accounts import NoTwilioAccount, tenant_account
from provisioning.models import PhoneNumber
from tenants.models import Tenant
from tenants.services import Actor, record_audit
from whatsapp import enqueue
from whatsapp.models import SENDING, SenderEvent, SenderStatus, WhatsAppSender

CALL_LEASE_SECONDS = 120
ANNOUNCED = frozenset({SenderStatus.ONLINE, SenderStatus.OFFLINE, SenderStatus.REFUSED})


class SenderConflict(Exception):
    """The request conflicts with the sender's state (the API answers 409)."""


def client_for(tenant: Tenant):
    """The tenant's own subaccount client: a sender belongs to the account owning the number."""
    account = tenant_account(tenant)
    if account.via_master:
        raise NoTwilioAccount("The tenant's Twilio subaccount isn't active yet.")
    return account.client()


def _seconds(name: str, default: float) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name, default)))


def poll_delay(sender: WhatsAppSender, attempts: int) -> timedelta:
    """Backoff between polls: doubling from the base while registration moves, capped; an
    online sender is re-checked at a slow steady pace (quality, limit, going offline)."""
    if sender.status in SENDING:
        return _seconds("WHATSAPP_ONLINE_POLL_SECONDS", 3600)
    base = _seconds("WHATSAPP_POLL_BASE_SECONDS", 5)
    cap = _seconds("WHATSAPP_POLL_MAX_SECONDS", 3600)
    return min(cap, base * (2 ** min(attempts, 16)))


@contextmanager
def claimed(sender_id: str, **conditions: Any) -> Iterator[claims.Claim | None]:
    """Hold the sender for one Twilio call (no transaction open across it); None when
    another worker holds it or it doesn't qualify."""
    queryset = WhatsAppSender.objects.filter(**conditions)
    held = claims.claim(queryset, sender_id, seconds=CALL_LEASE_SECONDS)
    try:
        yield held
    finally:
        if held is not None:
            claims.release(WhatsAppSender.objects.all(), held)


def locked(held: claims.Claim) -> WhatsAppSender | None:
    """The claimed row, locked for writing the call's result (inside a transaction)."""
    return (
        claims.holds(WhatsAppSender.objects.all(), held)
        .select_for_update()
        .select_related("tenant", "phone_number")
        .first()
    )


def save_fields(sender: WhatsAppSender, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(sender, name, value)
    sender.save(update_fields=[*fields, "updated_at"])


def record_event(
    sender: WhatsAppSender, to_status: str, *, from_status: str = "", reason: str = ""
) -> SenderEvent:
    return SenderEvent.objects.create(
        tenant_id=sender.tenant_id,
        sender=sender,
        from_status=from_status,
        to_status=to_status,
        raw_status=sender.raw_status,
        reason=reason,
        at=timezone.now(),
    )


def _number_flag(sender: WhatsAppSender, to_status: str) -> None:
    """The number may send WhatsApp exactly while its sender is online."""
    enabled = to_status in SENDING
    PhoneNumber.objects.filter(pk=sender.phone_number_id).exclude(whatsapp_enabled=enabled).update(
        whatsapp_enabled=enabled
    )


def transition(
    sender: WhatsAppSender, to_status: str, *, reason: str = "", actor: Actor | None = None
) -> bool:
    """Move the sender: timeline, audit, the number's WhatsApp flag, the owners' email."""
    before = sender.status
    if before == to_status:
        return False
    with transaction.atomic():
        changes: dict[str, Any] = {"status": to_status}
        if to_status == SenderStatus.ONLINE and sender.online_at is None:
            changes["online_at"] = timezone.now()
        save_fields(sender, **changes)
        event = record_event(sender, to_status, from_status=before, reason=reason)
        record_audit(
            tenant=sender.tenant,
            actor=actor or Actor.system(),
            action=f"whatsapp.sender.{to_status}",
            target=sender,
            changes={
                "status": [before, to_status],
                "phone_number": sender.phone_number.phone_number,
                **({"twilio_status": sender.raw_status} if sender.raw_status else {}),
                **({"reason": reason} if reason else {}),
            },
        )
        _number_flag(sender, to_status)
        if to_status in ANNOUNCED:
            enqueue.announce(event.pk)
    return True


def offline_reason(reasons: list[dict]) -> str:
    return "; ".join(
        f"{r.get('message') or 'Offline'} ({r['code']})" if r.get("code") else str(r.get("message"))
        for r in reasons
    )
