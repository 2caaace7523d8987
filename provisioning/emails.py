"""Emails of onboarding: a new owner created through the API chooses a password by link."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from isvplatform.public import absolute_url

logger = logging.getLogger(__name__)


def send_set_password_email(user: AbstractBaseUser) -> bool:
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
        "set_password_url": absolute_url(path),
        "login_url": absolute_url(reverse("login")),
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


def _send(subject: str, template: str, context: dict, to: str) -> bool:
    try:
        send_mail(subject, render_to_string(template, context), None, [to])
    except OSError:
        logger.exception("could not send %r", subject)
        return False
    return True


def send_signup_welcome_email(user: AbstractBaseUser) -> bool:
    """A self-service sign-up's owner: the account is ready, sign in with the new password."""
    context = {"user": user, "login_url": absolute_url(reverse("login"))}
    return _send(
        "Welcome to isvplatform: your account is ready",
        "provisioning/emails/signup_welcome.txt",
        context,
        user.email,
    )


def send_signup_attempt_email(email: str) -> bool:
    """The owner of a taken address: someone (maybe they) tried to sign up with it."""
    context = {
        "email": email,
        "login_url": absolute_url(reverse("login")),
        "reset_url": absolute_url(reverse("password_reset")),
    }
    return _send(
        "Someone tried to sign up to isvplatform with your address",
        "provisioning/emails/signup_attempt.txt",
        context,
        email,
    )
