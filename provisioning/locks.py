"""Row locks of provisioning, in the one order every transaction takes them, and the claims
that replace a lock while Twilio is called.

Tenant, then subaccount, then numbers. A provisioning request locks the tenant and then the
subaccount; a task or staff action that locked the subaccount alone and then wrote an audit
row (which references, and so share-locks, the tenant) waited on that request while it
waited on them: a deadlock under concurrent staff provisioning.

No lock is held across a call to Twilio (with its retries, up to about 80 s): a short
transaction takes a claim on the subaccount (`isvplatform.claims`), the call runs outside
any transaction, and another short transaction records the result while the claim holds.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import transaction

from isvplatform import claims
from provisioning.errors import ProvisioningConflict
from provisioning.models import TwilioSubaccount
from tenants.services import tenant_lock


class SubaccountBusy(ProvisioningConflict):
    """Another worker or staff action is calling Twilio for this subaccount right now."""

    def __init__(self) -> None:
        super().__init__(
            "Another change to this Twilio account is under way; try again shortly.", code="busy"
        )


def subaccount_lock(subaccount_id: Any) -> TwilioSubaccount:
    """Lock a subaccount row, after its tenant's row (raises DoesNotExist without one)."""
    tenant_id = TwilioSubaccount.objects.values_list("tenant_id", flat=True).get(pk=subaccount_id)
    tenant_lock(tenant_id)
    return (
        TwilioSubaccount.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .get(pk=subaccount_id)
    )


def subaccount_take_claim(sub: TwilioSubaccount) -> claims.Claim:
    """Claim a subaccount the caller's short transaction has locked (`subaccount_lock`), for
    a Twilio call made after that transaction commits. Raises SubaccountBusy while another
    claim holds the row."""
    held = claims.claim(
        TwilioSubaccount.objects.all(), sub.pk, seconds=settings.PROVISIONING_CLAIM_SECONDS
    )
    if held is None:
        raise SubaccountBusy()
    sub.claim_token, sub.claimed_until = held.token, held.until
    return held


@contextmanager
def subaccount_claimed(held: claims.Claim) -> Iterator[TwilioSubaccount]:
    """The claimed row, locked (in order) in a short transaction that records a call's result
    and then releases the claim. Raises SubaccountBusy if the claim ran out and was taken."""
    with transaction.atomic():
        sub = subaccount_lock(held.pk)
        if sub.claim_token != held.token:
            raise SubaccountBusy()
        yield sub
        claims.release(TwilioSubaccount.objects.all(), held)
        sub.claim_token = sub.claimed_until = None


@contextmanager
def released_on_error(held: claims.Claim | None) -> Iterator[None]:
    """Give the claim back when the call to Twilio fails, so a retry can take it at once."""
    try:
        yield
    except BaseException:
        if held is not None:
            claims.release(TwilioSubaccount.objects.all(), held)
        raise
