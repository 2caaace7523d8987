"""The email suppression list: `OptOut` rows on channel "email", addresses lower-cased.

Thin over messaging's opt-outs, so a suppression is also a consent-ledger entry, cancels the
emails still queued to the address and tells the tenant's webhooks (`optout.changed`)."""

from messaging.models import Channel, Message, OptOut
from messaging.services.optouts import is_opted_out, optout_add, optout_remove
from tenants.models import Tenant
from tenants.services import Actor


def normalize_address(address: str) -> str:
    """Addresses are compared lower-cased (the local part is case-insensitive in practice)."""
    return (address or "").strip().lower()


def is_suppressed(tenant_id: int, address: str) -> bool:
    return is_opted_out(tenant_id, normalize_address(address), Channel.EMAIL)


def suppress(
    *,
    tenant: Tenant,
    address: str,
    source: str,
    actor: Actor,
    reason: str = "",
    message: Message | None = None,
) -> tuple[OptOut, bool]:
    """Add an address (idempotent); True when it is new."""
    return optout_add(
        tenant=tenant,
        number=normalize_address(address),
        channel=Channel.EMAIL,
        source=source,
        actor=actor,
        reason=reason,
        message=message,
    )


def unsuppress(
    *, tenant: Tenant, address: str, actor: Actor, reason: str = "", source: str = ""
) -> bool:
    """Lift a suppression by hand (recorded in the ledger as an opt-in)."""
    return optout_remove(
        tenant=tenant,
        number=normalize_address(address),
        channel=Channel.EMAIL,
        source=source or OptOut.Source.MANUAL,
        actor=actor,
        reason=reason,
    )
