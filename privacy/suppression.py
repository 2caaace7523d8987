"""The send paths' second suppression check: the keyed-hash opt-outs of forgotten people.

`messaging.services.optouts.is_opted_out` (every single send, email included), the API batch
and the broadcast dispatcher call these beside their `OptOut` lookup, so a person who opted
out and was then forgotten is still never messaged. This module imports no other app's
services (messaging imports it).
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from privacy.hashing import all_digests, subject_digest
from privacy.models import SuppressionHash


def hash_rows(tenant_id: int, address: str, channel: str) -> QuerySet:
    """The rows suppressing `address` on `channel` under any listed key (for an EXISTS)."""
    digests = list(all_digests(tenant_id, address)) if address else []
    return SuppressionHash.objects.filter(tenant_id=tenant_id, channel=channel, digest__in=digests)


def is_hash_suppressed(tenant_id: int, address: str, channel: str) -> bool:
    """One indexed probe of (tenant, digest, channel) for every listed key's digest."""
    if not address:
        return False
    digests = all_digests(tenant_id, address)
    found = (
        SuppressionHash.objects.filter(tenant_id=tenant_id, channel=channel, digest__in=digests)
        .values_list("pk", "key_id")
        .first()
    )
    if found is None:
        return False
    _rekey(tenant_id, address, channel, found)
    return True


def hash_suppressed_among(
    tenant_id: int, addresses: Iterable[str], channel: str | None = None
) -> set[tuple[str, str]]:
    """(address, channel) of each of `addresses` suppressed by hash (on `channel`, or any)."""
    by_digest: dict[str, str] = {}
    for address in set(addresses):
        if address:
            by_digest.update(dict.fromkeys(all_digests(tenant_id, address), address))
    if not by_digest:
        return set()
    rows = SuppressionHash.objects.filter(tenant_id=tenant_id, digest__in=list(by_digest))
    if channel is not None:
        rows = rows.filter(channel=channel)
    return {(by_digest[d], c) for d, c in rows.values_list("digest", "channel")}


def lift_hash_suppression(tenant_id: int, address: str, channel: str) -> int:
    """The person opted in again (START, by hand): their hashed opt-out goes too."""
    digests = all_digests(tenant_id, address)
    deleted, _ = SuppressionHash.objects.filter(
        tenant_id=tenant_id, channel=channel, digest__in=digests
    ).delete()
    return deleted


def _rekey(tenant_id: int, address: str, channel: str, found: tuple) -> None:
    """A row hashed under a retired key gets the primary key's digest while we know the
    address, so the retired key can later be dropped from `ENCRYPTION_KEYS`."""
    pk, key_id = found
    primary_id, digest = subject_digest(tenant_id, address)
    if key_id == primary_id:
        return
    if SuppressionHash.objects.filter(tenant_id=tenant_id, channel=channel, digest=digest).exists():
        SuppressionHash.objects.filter(pk=pk).delete()
    else:
        SuppressionHash.objects.filter(pk=pk).update(digest=digest, key_id=primary_id)
