"""Invitation emails: the first one, and another for someone who hasn't signed in yet.

Links are absolute under `PUBLIC_BASE_URL`, never the host of the request that sent them,
so an invitation sent behind a proxy or from a worker points where people can reach.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from isvplatform.public import absolute_url
from tenants.models import Membership, Tenant
from tenants.services import Actor, record_audit

User = get_user_model()


def is_pending(membership: Membership) -> bool:
    """Invited, and has not chosen a password yet: the invitation is all they have."""
    return not membership.user.has_usable_password()


def pending_membership(tenant: Tenant, email: str) -> Membership | None:
    """The tenant's membership of `email` while its invitation is still pending."""
    email = User.objects.normalize_email(email).strip().lower()
    membership = (
        Membership.objects.for_tenant(tenant)
        .select_related("user", "tenant")
        .filter(user__email__iexact=email)
        .first()
    )
    return membership if membership is not None and is_pending(membership) else None


def invitation_send(*, membership: Membership, inviter: str) -> None:
    """Email the invitee; a person without a password gets a link to choose one."""
    user = membership.user
    context = {
        "tenant": membership.tenant,
        "role": membership.get_role_display(),
        "inviter": inviter,
        "login_url": absolute_url(reverse("login")),
        "set_password_url": None,
    }
    if not user.has_usable_password():
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context["set_password_url"] = absolute_url(path)
    send_mail(
        subject=f"You've been invited to {membership.tenant.name}",
        message=render_to_string("registration/invite_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def invitation_resend(*, membership: Membership, actor: Actor) -> Membership:
    """Record that a pending invitation goes out again (the caller sends the email)."""
    with transaction.atomic():
        record_audit(
            tenant=membership.tenant,
            actor=actor,
            action="member.invitation_resent",
            target=membership,
            changes={"email": membership.user.email},
        )
    return membership
