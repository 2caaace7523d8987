"""The enrolment QR code: the otpauth URI of a TOTP device, drawn as inline SVG.

Inline markup (not a data: image) needs nothing from the Content-Security-Policy, and the
secret never leaves the page as a separate request.
"""

from base64 import b32encode
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice


def otpauth_uri(device: TOTPDevice) -> str:
    """The key URI authenticator apps read (Google's Key URI format), the platform as issuer."""
    issuer = settings.TWOFACTOR_ISSUER.replace(":", "")
    label = quote(f"{issuer}:{device.user.get_username()}")
    params = urlencode(
        {
            "secret": b32encode(device.bin_key).decode().rstrip("="),
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{params}&issuer={quote(issuer)}"


def manual_secret(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(uri: str) -> SafeString:
    """segno's SVG of the URI; it carries no text of ours, only path data."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, light="#fff", title="Two-factor setup QR code"
    )
    # segno's own markup, made from our URI: safe to show as it is.
    return mark_safe(svg)
