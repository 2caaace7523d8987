"""Emailing staff about alerts: once when one opens, once when it resolves, never again
while it stays open. Each email is claimed on the row first (a conditional update), so two
evaluations running at once send it once; a send that fails gives the claim back and the
next evaluation tries again."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone

from isvplatform.public import absolute_url
from ops.models import Alert

logger = logging.getLogger(__name__)

DASHBOARD_PATH = "/admin/ops/alerts/"


def recipients() -> list[str]:
    """`OPS_ALERT_EMAILS`, or else every active staff user with an email address."""
    if settings.OPS_ALERT_EMAILS:
        return list(settings.OPS_ALERT_EMAILS)
    users = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _body(alert: Alert, headline: str) -> str:
    lines = [
        headline,
        "",
        f"What: {alert.get_kind_display()} ({alert.get_severity_display().lower()})",
        f"Details: {alert.summary}",
        f"Since: {alert.first_seen:%Y-%m-%d %H:%M} UTC",
    ]
    if alert.resolved_at:
        lines.append(f"Resolved: {alert.resolved_at:%Y-%m-%d %H:%M} UTC")
    lines += ["", f"All alerts: {absolute_url(DASHBOARD_PATH)}"]
    return "\n".join(lines)


def _send(alert: Alert, column: str, subject: str, headline: str) -> bool:
    to = recipients()
    if not to:
        logger.warning("ops alert %s: nobody to email (no staff with an email)", alert.pk)
        return False
    claimed = Alert.objects.filter(pk=alert.pk, **{f"{column}__isnull": True}).update(
        **{column: timezone.now()}
    )
    if not claimed:
        return False
    try:
        send_mail(subject, _body(alert, headline), None, to)
    except Exception:
        logger.exception("ops alert %s: the email could not be sent", alert.pk)
        Alert.objects.filter(pk=alert.pk).update(**{column: None})
        return False
    return True


def notify_opened(alert: Alert) -> bool:
    label = alert.get_kind_display()
    return _send(
        alert,
        "opened_email_at",
        f"[{alert.get_severity_display()}] {label}",
        f"Alert: {label}.",
    )


def notify_resolved(alert: Alert) -> bool:
    """Only for an alert staff were told about."""
    if alert.opened_email_at is None:
        return False
    label = alert.get_kind_display()
    return _send(alert, "resolved_email_at", f"[Resolved] {label}", f"Resolved: {label}.")
