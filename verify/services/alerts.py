"""SMS pumping alerts: a refused burst to one prefix, recorded once per burst, audited, and
emailed to the tenant's owners and the vendor's staff (who review it in the admin)."""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from compliance.notify import owner_emails
from isvplatform.public import absolute_url
from tenants.services import Actor, record_audit
from verify.models import PumpingAlert, VerifyService
from verify.services.throttles import BURST_WINDOW, prefix_of

logger = logging.getLogger(__name__)


def staff_emails() -> list[str]:
    users = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def raise_pumping_alert(
    service: VerifyService, *, to: str, country: str, sends: int
) -> PumpingAlert:
    """Record the refused burst: a new alert (audited and emailed) or, while the burst goes
    on, one more refusal on the open alert of that prefix."""
    now = timezone.now()
    prefix = prefix_of(to)
    with transaction.atomic():
        alert = (
            PumpingAlert.objects.for_tenant(service.tenant_id)
            .select_for_update()
            .filter(prefix=prefix, last_refused_at__gte=now - BURST_WINDOW)
            .first()
        )
        if alert is not None:
            alert.refused += 1
            alert.sends = max(alert.sends, sends)
            alert.last_refused_at = now
            alert.save(update_fields=["refused", "sends", "last_refused_at"])
            return alert
        alert = PumpingAlert.objects.create(
            tenant_id=service.tenant_id,
            service=service,
            prefix=prefix,
            country=country,
            sends=sends,
            limit=service.prefix_burst_limit,
            created_at=now,
            last_refused_at=now,
        )
        record_audit(
            tenant=service.tenant,
            actor=Actor.system(),
            action="verify.pumping_alert",
            target=alert,
            changes={"prefix": prefix, "sends": sends, "limit": service.prefix_burst_limit},
        )
        transaction.on_commit(lambda: email_alert(alert.pk))
    return alert


def email_alert(alert_id: int) -> int:
    alert = PumpingAlert.objects.select_related("tenant").filter(pk=alert_id).first()
    if alert is None:
        return 0
    recipients = sorted(set(owner_emails(alert.tenant)) | set(staff_emails()))
    if not recipients:
        return 0
    subject = f"Verification codes paused to {alert.prefix}…: possible SMS pumping"
    body = (
        f"{alert.sends} verification codes went to numbers starting {alert.prefix} "
        f"({alert.country or 'unknown country'}) for {alert.tenant.name} within 10 minutes, "
        f"above the limit of {alert.limit}. Further sends to this prefix are refused while "
        "the burst lasts.\n\n"
        "A burst like this is the usual sign of SMS pumping: bots request codes to numbers "
        "whose operators share the fee with the fraudster. If the traffic is genuine, raise "
        "the prefix burst limit in the Verify settings.\n\n"
        f"Verification log: {absolute_url('/verify/attempts/')}\n"
    )
    try:
        return send_mail(subject, body, None, recipients, fail_silently=False)
    except Exception:
        logger.exception("could not email the SMS pumping alert %s", alert_id)
        return 0


def alert_review(alert: PumpingAlert, *, user) -> PumpingAlert:
    """Staff mark an alert reviewed (from the admin)."""
    if alert.reviewed_at is None:
        alert.reviewed_at, alert.reviewed_by = timezone.now(), user
        alert.save(update_fields=["reviewed_at", "reviewed_by"])
        record_audit(
            tenant=alert.tenant,
            actor=Actor(user=user),
            action="verify.pumping_alert_reviewed",
            target=alert,
        )
    return alert
