"""Emails of onboarding: a new owner created through the API chooses a password by link."""

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

logger = logging.getLogger(__name__)


def _absolute(path: str, request=None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def send_set_password_email(user: AbstractBaseUser, request=None) -> bool:
    """Welcome the owner with a link to set a password; a mail failure is logged, not raised
    (the owner can still use "forgot password")."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "set_password_url": _absolute(path, request),
        "login_url": _absolute(reverse("login"), request),
    }
    try:
        send_mail(
            subject="Welcome to isvplatform: choose your password",
            message=render_to_string("provisioning/emails/welcome.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    except OSError:
        logger.exception("could not send the welcome email to user %s", user.pk)
        return False
    return True
