"""Signing in test clients with a second factor, as staff (who must have one) need.

`client.force_login` alone leaves a session unverified: a person with a device would be sent
to the code step. These give the person a confirmed device and mark the session verified the
way django-otp's `login` does after a real code (the device's id in the session).
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
    client.force_login(user)
    session = client.session
    verify_session(session, user)
    session.save()
    return confirmed_device(user)


def verify_session(session: SessionBase, user: AbstractBaseUser) -> None:
    """Mark a hand-made signed-in session as having passed the second factor."""
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
