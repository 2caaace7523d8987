"""The safety net of a running broadcast: it pauses itself when too many recipients opt out
or too many messages are filtered by the carriers (the tenant's `BroadcastSettings`,
2% and 5% by default, once `min_sample` messages count), and emails the owners why."""

import logging
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction

from broadcasts.models import Broadcast, BroadcastSettings, BroadcastStatus, PauseReason
from broadcasts.services.lifecycle import transition
from compliance.notify import owner_emails
from isvplatform.public import absolute_url
from tenants.models import Tenant
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

DEFAULTS = {"opt_out_pause_rate": Decimal("0.0200"), "filtering_pause_rate": Decimal("0.0500"),
            "min_sample": 50}  # fmt: skip


def settings_for(tenant: Tenant | int) -> BroadcastSettings:
    """The tenant's thresholds (the defaults until it changes them)."""
    tenant_id = getattr(tenant, "pk", tenant)
    found = BroadcastSettings.objects.for_tenant(tenant_id).first()
    return found or BroadcastSettings(tenant_id=tenant_id, **DEFAULTS)


def _rate(value: Any, field: str) -> Decimal:
    try:
        rate = Decimal(str(value))
    except ArithmeticError as err:
        raise ValidationError({field: "A rate is a number between 0 and 1 (0.02 = 2%)."}) from err
    if not rate.is_finite() or not Decimal("0.0001") <= rate <= Decimal("1"):
        raise ValidationError({field: "A rate is a number between 0.0001 and 1 (0.02 = 2%)."})
    return rate.quantize(Decimal("0.0001"))


def settings_update(
    *,
    tenant: Tenant,
    actor: Actor,
    opt_out_pause_rate: Any = None,
    filtering_pause_rate: Any = None,
    min_sample: Any = None,
) -> BroadcastSettings:
    """Change the thresholds (those given)."""
    with transaction.atomic():
        current, _ = BroadcastSettings.objects.get_or_create(tenant=tenant, defaults=DEFAULTS)
        if opt_out_pause_rate is not None:
            current.opt_out_pause_rate = _rate(opt_out_pause_rate, "opt_out_pause_rate")
        if filtering_pause_rate is not None:
            current.filtering_pause_rate = _rate(filtering_pause_rate, "filtering_pause_rate")
        if min_sample is not None:
            if not isinstance(min_sample, int) or not 1 <= min_sample <= 1_000_000:
                raise ValidationError({"min_sample": "A whole number from 1 to 1,000,000."})
            current.min_sample = min_sample
        current.save()
        record_audit(
            tenant=tenant,
            actor=actor,
            action="broadcast_settings.updated",
            target=current,
            changes={
                "opt_out_pause_rate": str(current.opt_out_pause_rate),
                "filtering_pause_rate": str(current.filtering_pause_rate),
                "min_sample": current.min_sample,
            },
        )
    return current


def _percent(rate: Decimal | float) -> str:
    return f"{float(rate) * 100:.1f}%"


def crossed(broadcast: Broadcast, limits: BroadcastSettings) -> tuple[str, str] | None:
    """(reason, the sentence why) when a threshold is crossed, else None."""
    if broadcast.sent >= limits.min_sample:
        rate = Decimal(broadcast.replies_opted_out) / broadcast.sent
        if rate > limits.opt_out_pause_rate:
            return PauseReason.OPT_OUT_RATE, (
                f"{broadcast.replies_opted_out} of {broadcast.sent} recipients opted out "
                f"({_percent(rate)}), above your limit of {_percent(limits.opt_out_pause_rate)}."
            )
    finished = broadcast.delivered + broadcast.failed
    if finished >= limits.min_sample:
        rate = Decimal(broadcast.filtered) / finished
        if rate > limits.filtering_pause_rate:
            return PauseReason.FILTERING_RATE, (
                f"The carriers filtered {broadcast.filtered} of {finished} messages "
                f"({_percent(rate)}), above your limit of "
                f"{_percent(limits.filtering_pause_rate)}."
            )
    return None


def check_thresholds(broadcast_id: Any) -> str | None:
    """Pause a sending broadcast whose run crossed a threshold; the reason when it did."""
    broadcast = Broadcast.objects.filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.status != BroadcastStatus.SENDING:
        return None
    found = crossed(broadcast, settings_for(broadcast.tenant_id))
    if found is None:
        return None
    reason, detail = found
    paused = transition(
        broadcast_id,
        BroadcastStatus.PAUSED,
        actor=Actor.system(),
        reason=reason,
        detail=detail,
        only_from=[BroadcastStatus.SENDING],
    )
    if not paused:
        return None
    logger.warning("broadcast %s paused itself: %s", broadcast_id, detail)
    transaction.on_commit(lambda: email_auto_pause(broadcast_id))
    return reason


def email_auto_pause(broadcast_id: Any) -> int:
    """Tell the tenant's owners their broadcast paused itself, and why."""
    broadcast = Broadcast.objects.select_related("tenant").filter(pk=broadcast_id).first()
    if broadcast is None or broadcast.status != BroadcastStatus.PAUSED:
        return 0
    recipients = owner_emails(broadcast.tenant)
    if not recipients:
        return 0
    words = PauseReason(broadcast.pause_reason).label.lower()
    subject = f"Broadcast {broadcast.name} paused itself: {words}"
    body = (
        f"Your broadcast {broadcast.name} stopped sending on its own: {broadcast.pause_detail}"
        "\n\n"
        "Carriers watch opt-outs and filtering closely: a run that keeps going at these rates "
        "risks the number's and the brand's reputation (and more filtering). Check the text "
        "and the audience, then resume the broadcast or cancel it.\n\n"
        f"{broadcast.sent} sent, {broadcast.delivered} delivered, {broadcast.failed} failed, "
        f"{broadcast.replies_opted_out} opted out, {broadcast.pending} still waiting.\n\n"
        f"Broadcast: {absolute_url(f'/broadcasts/{broadcast.pk}/')}\n"
        f"Thresholds: {absolute_url('/broadcasts/settings/')}\n"
    )
    try:
        return send_mail(subject, body, None, recipients, fail_silently=False)
    except Exception:
        logger.exception("could not email the auto-pause of broadcast %s", broadcast_id)
        return 0
