"""Keeping each spending limit's Usage Triggers at Twilio as the limit says, and the periodic
check that covers a callback Twilio never delivered.

A limit is two triggers on the tenant's subaccount, at 80% and 100% of its value, recurring
daily or monthly, by price (spend) or count, calling `PUBLIC_BASE_URL +
BILLING_USAGE_TRIGGER_PATH`. A sync claims the limit (`isvplatform.claims`; no transaction
is open during a Twilio call), fetches each known trigger, deletes what no longer matches
(Twilio cannot change a trigger's value: a new value is a new trigger), re-points a moved
callback, and creates what is missing, recording each new trigger's SID at once. Triggers are
named `isvplatform limit <id> <percent>%`, so one created by a run that died before recording
it is found and removed by the next. A limit saved again during a sync is synced again.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from billing import enqueue
from billing.models import UsageLimit, UsageLimitEvent, UsageLimitTrigger
from billing.services.limit_events import Source, current_key, limit_reached
from isvplatform import claims, gateway
from provisioning.accounts import NoTwilioAccount, tenant_account

logger = logging.getLogger(__name__)

Sync = UsageLimit.SyncStatus
PASSES = 3  # a limit saved during its sync is synced again, this many times at most


class LimitSyncError(Exception):
    """The limit cannot be kept at Twilio as things are (retrying changes nothing)."""


def callback_url() -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{settings.BILLING_USAGE_TRIGGER_PATH}"


def trigger_name(limit: UsageLimit, percent: int) -> str:
    return f"{name_prefix(limit)}{percent}%"


def name_prefix(limit: UsageLimit) -> str:
    return f"isvplatform limit {limit.pk} "


def desired_values(limit: UsageLimit) -> dict[int, Decimal]:
    """The value of each trigger, by percent of the limit."""
    quantum = Decimal("0.00001")
    return {
        80: (limit.value * Decimal("0.8")).quantize(quantum),
        100: Decimal(limit.value).quantize(quantum),
    }


def twilio_shape(limit: UsageLimit) -> tuple[str, str, str]:
    """(usage_category, recurring, trigger_by) of the limit's triggers."""
    trigger_by = "price" if limit.measure == UsageLimit.Measure.SPEND else "count"
    return limit.category, limit.period, trigger_by


def _client(limit: UsageLimit):
    account = tenant_account(limit.tenant)
    if account.via_master:
        raise LimitSyncError(
            "A spending limit is kept on the business's own Twilio subaccount; it has none "
            "active (its traffic goes through the master account)."
        )
    return account.client(), account.account_sid


def _matches(client, row: UsageLimitTrigger, limit: UsageLimit, value: Decimal | None) -> bool:
    """Whether the recorded trigger still exists at Twilio exactly as the limit wants it."""
    if value is None or row.trigger_value != value:
        return False
    try:
        info = gateway.fetch_usage_trigger(client, row.sid)
    except gateway.NotFoundError:
        return False
    shape = (info.usage_category, info.recurring, info.trigger_by)
    return shape == twilio_shape(limit) and info.trigger_value == value


def _drop(client, row: UsageLimitTrigger) -> None:
    gateway.delete_usage_trigger(client, row.sid)
    row.delete()


def _sweep(client, limit: UsageLimit, keep: set[str]) -> int:
    """Remove the limit's triggers at Twilio that no row records (a run died after creating
    one); how many."""
    removed = 0
    for info in gateway.list_usage_triggers(client):
        if info.friendly_name.startswith(name_prefix(limit)) and info.sid not in keep:
            gateway.delete_usage_trigger(client, info.sid)
            removed += 1
    return removed


def _converge(client, account_sid: str, limit: UsageLimit) -> None:
    wanted, url = desired_values(limit), callback_url()
    kept: dict[int, UsageLimitTrigger] = {}
    for row in list(limit.triggers.all()):
        if row.account_sid != account_sid or not _matches(
            client, row, limit, wanted.get(row.percent)
        ):
            _drop(client, row)
            continue
        if row.callback_url != url:
            gateway.update_usage_trigger(client, row.sid, callback_url=url)
            UsageLimitTrigger.objects.filter(pk=row.pk).update(callback_url=url)
        kept[row.percent] = row
    _sweep(client, limit, {row.sid for row in kept.values()})
    category, recurring, trigger_by = twilio_shape(limit)
    for percent, value in wanted.items():
        if percent in kept:
            continue
        info = gateway.create_usage_trigger(
            client,
            callback_url=url,
            trigger_value=value,
            usage_category=category,
            recurring=recurring,
            trigger_by=trigger_by,
            friendly_name=trigger_name(limit, percent),
        )
        UsageLimitTrigger.objects.create(
            tenant_id=limit.tenant_id,
            limit=limit,
            percent=percent,
            account_sid=account_sid,
            sid=info.sid,
            trigger_value=value,
            callback_url=url,
        )


def _remove(limit: UsageLimit) -> None:
    """Every trigger of a limit being deleted, at Twilio when the account is reachable."""
    try:
        client, _ = _client(limit)
    except (NoTwilioAccount, LimitSyncError) as err:
        logger.info("limit %s: removed locally only (%s)", limit.pk, err)
        limit.triggers.all().delete()
        return
    for row in list(limit.triggers.all()):
        _drop(client, row)
    _sweep(client, limit, set())


def _sync_once(limit_id: int) -> str:
    held = claims.claim(
        UsageLimit.objects.all(), limit_id, seconds=settings.BILLING_LIMIT_CLAIM_SECONDS
    )
    if held is None:
        return "busy" if UsageLimit.objects.filter(pk=limit_id).exists() else "gone"
    limit = UsageLimit.objects.select_related("tenant").get(pk=limit_id)
    same = UsageLimit.objects.filter(updated_at=limit.updated_at)
    try:
        if limit.sync_status == Sync.DELETING:
            _remove(limit)
            if claims.holds(same, held).delete()[0]:
                return "deleted"
        else:
            _converge(*_client(limit), limit)
            if claims.release(same, held, sync_status=Sync.SYNCED, last_error=""):
                return "synced"
    except (gateway.GatewayError, NoTwilioAccount, LimitSyncError) as err:
        status = Sync.DELETING if limit.sync_status == Sync.DELETING else Sync.FAILED
        claims.release(UsageLimit.objects.all(), held, sync_status=status, last_error=str(err))
        raise
    claims.release(UsageLimit.objects.all(), held)
    return "changed"


def limit_sync(limit_id: int) -> str:
    """Make the account's triggers match the limit (or remove them and the limit when it is
    being deleted): "synced", "deleted", "busy" (another run holds it), "gone" or "changed".
    Raises GatewayError / NoTwilioAccount / LimitSyncError with the limit marked FAILED."""
    outcome = "changed"
    for _ in range(PASSES):
        outcome = _sync_once(limit_id)
        if outcome != "changed":
            break
    return outcome


# --- the periodic check ----------------------------------------------------------------------
def check_limit(limit: UsageLimit) -> int:
    """Apply a crossing of the limit's triggers not yet recorded this period (one fetch: both
    triggers watch the same value); how many events it recorded."""
    done = set(
        UsageLimitEvent.objects.filter(limit=limit, period_key=current_key(limit)).values_list(
            "percent", flat=True
        )
    )
    pending = sorted(
        (t for t in limit.triggers.all() if t.percent not in done), key=lambda t: t.percent
    )
    if not pending:
        return 0
    client = tenant_account(limit.tenant).client()
    try:
        info = gateway.fetch_usage_trigger(client, pending[0].sid)
    except gateway.NotFoundError:
        UsageLimit.objects.filter(pk=limit.pk).update(sync_status=Sync.PENDING)
        enqueue.sync_limit(limit.pk)
        return 0
    recorded = 0
    for row in pending:
        if info.current_value is None or info.current_value < row.trigger_value:
            continue
        event = limit_reached(
            limit=limit,
            percent=row.percent,
            source=Source.CHECK,
            current_value=info.current_value,
            trigger_sid=row.sid,
        )
        recorded += event is not None
    return recorded


def _rekick_unsynced() -> int:
    """Limits left pending, failed or deleting with nobody syncing them get a sync again."""
    stale = timezone.now() - dt.timedelta(seconds=settings.BILLING_LIMIT_CLAIM_SECONDS)
    ids = list(
        UsageLimit.objects.filter(
            claims.free(), ~Q(sync_status=Sync.SYNCED), updated_at__lt=stale
        ).values_list("pk", flat=True)[:500]
    )
    for limit_id in ids:
        enqueue.sync_limit(limit_id)
    return len(ids)


def limits_check() -> int:
    """The periodic check: every synced limit's crossing Twilio reported no callback for
    (source CHECK); unsynced ones get a sync. How many events it recorded."""
    _rekick_unsynced()
    recorded = 0
    synced = UsageLimit.objects.filter(sync_status=Sync.SYNCED).select_related("tenant")
    for limit in synced.prefetch_related("triggers"):
        try:
            recorded += check_limit(limit)
        except (gateway.GatewayError, NoTwilioAccount) as err:
            logger.warning("limit %s: check failed: %s", limit.pk, err)
    return recorded
