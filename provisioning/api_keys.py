"""The subaccount's standard API key: created right after the subaccount, rotated on demand,
and given to subaccounts that predate keys (`migrate_subaccount_api_keys`).

Every REST call on the subaccount signs with the key (`accounts.subaccount_client`); the auth
token keeps signing callbacks, so creating, rotating or deleting a key never touches callback
verification. Key changes are made with the auth token, because a standard key may not manage
keys.

Twilio calls run outside any transaction. A claim (`api_key_claimed_until`, committed) lets one
run at a time change the key; Twilio answers a secret once, so the new key is recorded the
moment it exists, and a key carrying our name that is recorded nowhere (a run died before
saving it) is useless and deleted by the next run.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from isvplatform import gateway
from provisioning.accounts import subaccount_token_client
from provisioning.errors import ProvisioningConflict
from provisioning.locks import subaccount_lock
from provisioning.models import TwilioSubaccount
from tenants.services import Actor, record_audit

Status = TwilioSubaccount.Status
KEY_FRIENDLY_NAME = "isvplatform REST"
# Longer than the worst case of the Twilio calls below, retries included (about 80 s each).
CLAIM_SECONDS = 600
_KEY_STATUSES = (Status.PROVISIONING, Status.ACTIVE)


def needs_api_key(sub: TwilioSubaccount) -> bool:
    """Whether key work is due: no key yet, or a rotation left its old key undeleted. A
    tenant's own connected account is never given keys: the platform creates nothing in it."""
    if sub.is_connected:
        return False
    return not sub.has_api_key or bool(sub.previous_api_key_sid)


def _claim(subaccount_id, *, rotate: bool) -> tuple[TwilioSubaccount, datetime] | None:
    """Take the key claim, or None when there is nothing to do or another run holds it."""
    with transaction.atomic():
        sub = subaccount_lock(subaccount_id)
        now = timezone.now()
        if not sub.sid or sub.status not in ((Status.ACTIVE,) if rotate else _KEY_STATUSES):
            if rotate:
                raise ProvisioningConflict(
                    f"Only an active subaccount's API key can be rotated; it is {sub.status}."
                )
            return None
        if sub.api_key_claimed_until and sub.api_key_claimed_until > now:
            if rotate:
                raise ProvisioningConflict(
                    "An API key change is already under way for this subaccount.",
                    code="api_key_busy",
                )
            return None
        if not rotate and not needs_api_key(sub):
            return None
        sub.api_key_claimed_until = now + timedelta(seconds=CLAIM_SECONDS)
        sub.save(update_fields=["api_key_claimed_until", "updated_at"])
    return sub, sub.api_key_claimed_until


def _switch(sub: TwilioSubaccount, claim: datetime, key: gateway.ApiKey) -> TwilioSubaccount:
    """Record the new key at once (REST calls use it from now on), keeping the old one's SID
    until it is deleted."""
    with transaction.atomic():
        locked = subaccount_lock(sub.pk)
        if locked.api_key_claimed_until != claim:
            raise ProvisioningConflict("The API key claim expired before the key was recorded.")
        if locked.api_key_sid:
            locked.previous_api_key_sid = locked.api_key_sid
        locked.api_key_sid = key.sid
        locked.api_key_secret = key.secret
        locked.api_key_created_at = timezone.now()
        locked.save()
        record_audit(
            tenant=locked.tenant,
            actor=Actor.system(),
            action="subaccount.api_key_created",
            target=locked,
            # The SIDs only ("…key" names are dropped as secrets by record_audit).
            changes={"sid": key.sid, "replaces": locked.previous_api_key_sid},
        )
    return locked


def _forget_previous(sub: TwilioSubaccount, deleted_sid: str) -> TwilioSubaccount:
    with transaction.atomic():
        locked = subaccount_lock(sub.pk)
        if locked.previous_api_key_sid == deleted_sid:
            locked.previous_api_key_sid = ""
            locked.save(update_fields=["previous_api_key_sid", "updated_at"])
    return locked


def _release(sub: TwilioSubaccount, claim: datetime) -> TwilioSubaccount:
    with transaction.atomic():
        locked = subaccount_lock(sub.pk)
        if locked.api_key_claimed_until == claim:
            locked.api_key_claimed_until = None
            locked.save(update_fields=["api_key_claimed_until", "updated_at"])
    return locked


def _converge(sub: TwilioSubaccount, claim: datetime, *, rotate: bool) -> TwilioSubaccount:
    """Under the claim: drop unrecorded keys, create (and record) a key if due, then delete
    the key it replaced."""
    try:
        client = subaccount_token_client(sub)
        recorded = {sub.api_key_sid, sub.previous_api_key_sid} - {""}
        for key in gateway.list_api_keys(client, sub.sid):
            if key.friendly_name == KEY_FRIENDLY_NAME and key.sid not in recorded:
                gateway.delete_api_key(client, sub.sid, key.sid)
        if rotate or not sub.has_api_key:
            created = gateway.create_api_key(client, sub.sid, KEY_FRIENDLY_NAME)
            sub = _switch(sub, claim, created)
        if sub.previous_api_key_sid:
            gateway.delete_api_key(client, sub.sid, sub.previous_api_key_sid)
            sub = _forget_previous(sub, sub.previous_api_key_sid)
    finally:
        sub = _release(sub, claim)
    return sub


def subaccount_ensure_api_key(subaccount: TwilioSubaccount) -> TwilioSubaccount:
    """Give the subaccount its API key if it has none, and finish an interrupted rotation.

    Idempotent: a second run finds the key recorded (or the claim taken) and does nothing.
    Raises GatewayError.
    """
    claimed = _claim(subaccount.pk, rotate=False)
    if claimed is None:
        return TwilioSubaccount.objects.select_related("tenant").get(pk=subaccount.pk)
    sub, claim = claimed
    return _converge(sub, claim, rotate=False)


def subaccount_rotate_api_key(*, subaccount: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    """Create a new key, switch REST calls to it, delete the old one. Callbacks are verified
    with the auth token, so none is affected. Raises ProvisioningConflict, GatewayError."""
    sub, claim = _claim(subaccount.pk, rotate=True)
    before = sub.api_key_sid
    sub = _converge(sub, claim, rotate=True)
    record_audit(
        tenant=sub.tenant,
        actor=actor,
        action="subaccount.api_key_rotated",
        target=sub,
        changes={"sid": [before, sub.api_key_sid]},
    )
    return sub


def subaccounts_missing_api_keys():
    """Active subaccounts whose REST calls can't use a key yet (or whose rotation is unfinished)."""
    return (
        TwilioSubaccount.objects.filter(status=Status.ACTIVE, sid__isnull=False)
        .exclude(origin=TwilioSubaccount.Origin.CONNECTED)
        .filter(Q(api_key_sid="") | ~Q(previous_api_key_sid=""))
    )


@dataclass
class KeyMigration:
    """What one `migrate_api_keys` run did; `failed` maps subaccount SIDs to the reason."""

    keyed: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def migrate_api_keys(*, batch_size: int = 50) -> KeyMigration:
    """Give every active subaccount without one its API key, `batch_size` rows per query.

    Safe to re-run: a subaccount that has its key is not selected, one another run is keying
    is skipped, and one that failed is tried again next time.
    """
    result = KeyMigration()
    after = None
    while True:
        batch = subaccounts_missing_api_keys().select_related("tenant").order_by("pk")
        if after is not None:
            batch = batch.filter(pk__gt=after)
        rows = list(batch[:batch_size])
        if not rows:
            return result
        for sub in rows:
            try:
                done = subaccount_ensure_api_key(sub)
            except (gateway.GatewayError, ProvisioningConflict) as err:
                result.failed[sub.sid] = str(err)
                continue
            if needs_api_key(done):
                result.skipped += 1
            else:
                result.keyed += 1
        after = rows[-1].pk
