"""The demo staff user's authenticator (for `make run`): staff must sign in with a code.

Its secret goes into the demo credentials file beside the password, so a developer can add
it to an app, or print the current code with `manage.py totp_code admin`.
"""

from base64 import b32encode

from django.contrib.auth.models import AbstractBaseUser
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor.selectors import TOTP_DEVICE_NAME, totp_device_for

SECRET_LABEL = "{username} (2FA secret)"


def ensure_demo_staff_device(user: AbstractBaseUser, saved: dict) -> bool:
    """Give the staff user a confirmed TOTP device once; True when `saved` changed."""
    device = totp_device_for(user) or TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, confirmed=True
    )
    label = SECRET_LABEL.format(username=user.get_username())
    secret = b32encode(device.bin_key).decode().rstrip("=")
    if saved.get(label) == secret:
        return False
    saved[label] = secret
    return True
