"""Who hears about money: the tenant's owners and the vendor's staff, by email.

Staff alerts go to `BILLING_STAFF_EMAILS`, or to every active staff user with an address.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string

from tenants.models import Membership, Tenant

logger = logging.getLogger(__name__)


def owner_emails(tenant: Tenant) -> list[str]:
    return sorted(
        {
            email
            for email in Membership.objects.for_tenant(tenant)
            .filter(role=Membership.Role.OWNER)
            .values_list("user__email", flat=True)
            if email
        }
    )


def staff_emails() -> list[str]:
    if settings.BILLING_STAFF_EMAILS:
        return sorted(set(settings.BILLING_STAFF_EMAILS))
    users = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def send_billing_email(*, subject: str, template: str, context: dict, to: list[str]) -> int:
    """Render `template` (a .txt template) and send it to `to`; the number sent (0: no one)."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    body = render_to_string(template, context)
    sent = send_mail(subject, body, None, recipients, fail_silently=False)
    logger.info("billing email %r sent to %d recipients", subject, len(recipients))
    return sent
