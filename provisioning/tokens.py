"""Rotating a subaccount's auth token without rejecting a single callback, and forgetting
the previous token once its grace period is over (`accounts.signing_tokens` accepts both
meanwhile)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from isvplatform.crypto import Secret
from provisioning.accounts import subaccount_token_client
from provisioning.errors import ProvisioningConflict
from provisioning.locks import (
    SubaccountBusy,
    released_on_error,
    subaccount_claimed,
    subaccount_lock,
    subaccount_take_claim,
)
from provisioning.models import TwilioSubaccount
from provisioning.services import _lock
from tenants.services import Actor, record_audit

Status = TwilioSubaccount.Status


def subaccount_rotate_token(*, subaccount: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    """Replace the subaccount's auth token without rejecting a single callback.

    1. create a secondary token in Twilio and store it (encrypted) at once;
    2. promote it: Twilio signs with it from now on and the old token stops working;
    3. keep the old token as `previous_auth_token` for `TWILIO_TOKEN_GRACE_MINUTES`, so
       callbacks signed before the switch still verify (see `accounts.signing_tokens`).

    A rotation interrupted after step 1 or 2 resumes where it stopped.
    """
    with transaction.atomic():
        sub = subaccount_lock(subaccount.pk)
        if sub.status != Status.ACTIVE:
            raise ProvisioningConflict(
                f"Only an active subaccount's token can be rotated; it is {sub.status}."
            )
        if sub.is_connected:
            raise ProvisioningConflict(
                "This is the tenant's own Twilio account: only the tenant can rotate its "
                "token (then reconnect it with the new one)."
            )
        held = subaccount_take_claim(sub)
    with released_on_error(held):
        if sub.secondary_auth_token is None:
            secondary = gateway.create_secondary_auth_token(subaccount_token_client(sub))
            with transaction.atomic():
                # Stored at once: a run that dies after this resumes with the promotion.
                row = subaccount_lock(held.pk)
                if row.claim_token != held.token:
                    raise SubaccountBusy()
                row.secondary_auth_token = secondary
                row.rotation_started_at = timezone.now()
                row.save(update_fields=["secondary_auth_token", "rotation_started_at"])
            sub = row
        new_token = _promote(sub, sub.secondary_auth_token)
    with subaccount_claimed(held) as sub:
        _store_rotation(sub, new_token, actor)
    return sub


def _promote(sub: TwilioSubaccount, secondary: Secret) -> Secret:
    """Promote the secondary token at Twilio; the token that signs from now on."""
    try:
        return gateway.promote_secondary_auth_token(subaccount_token_client(sub)) or secondary
    except gateway.AuthenticationError as err:
        if err.code != 20003:
            raise
        # The stored primary is refused: an earlier run promoted and died before saving.
        gateway.fetch_account(
            sub.sid,
            client=gateway.account_client(sub.sid, secondary, sandboxed=sub.tenant.is_demo),
        )
        return secondary


def _store_rotation(sub: TwilioSubaccount, new_token: Secret, actor: Actor) -> None:
    now = timezone.now()
    sub.previous_auth_token = sub.auth_token
    sub.previous_token_valid_until = now + timedelta(minutes=settings.TWILIO_TOKEN_GRACE_MINUTES)
    sub.auth_token = new_token
    sub.secondary_auth_token = None
    sub.rotation_started_at = None
    sub.token_rotated_at = now
    sub.save()
    record_audit(
        tenant=sub.tenant,
        actor=actor,
        action="subaccount.token_rotated",
        target=sub,
        changes={"old_accepted_until": sub.previous_token_valid_until.isoformat()},
    )


def subaccount_retire_previous_token(*, subaccount: TwilioSubaccount, now=None) -> TwilioSubaccount:
    """Forget the pre-rotation token once its grace period is over."""
    now = now or timezone.now()
    with transaction.atomic():
        sub = _lock(subaccount)
        if sub.previous_auth_token is None:
            return sub
        if sub.previous_token_valid_until and sub.previous_token_valid_until > now:
            return sub
        sub.previous_auth_token = None
        sub.previous_token_valid_until = None
        sub.save(update_fields=["previous_auth_token", "previous_token_valid_until", "updated_at"])
    return sub
