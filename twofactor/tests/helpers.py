"""Signing in test clients with a second factor, as staff (who must have one) need.

`client.force_login` alone leaves a session unverified: a person with a device would be sent
to the code step. These give the person a confirmed device and mark the session verified the
way django-otp does after a real code (its `user_logged_in` hook reads `user.otp_device`).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor.selectors import TOTP_DEVICE_NAME, totp_device_for


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice:
    """The person's confirmed TOTP device, made when they have none."""
    device = totp_device_for(user)
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)


def login_verified(client: Client, user: AbstractBaseUser) -> TOTPDevice:
    """`client.force_login(user)` with the second factor passed."""
    device = confirmed_device(user)
    user.otp_device = device
    client.force_login(user)
    return device


def verify_session(session: SessionBase, user: AbstractBaseUser) -> None:
    """Mark a hand-made signed-in session as having passed the second factor."""
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
