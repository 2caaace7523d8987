"""Settings of two-factor sign-in (twofactor/, django-otp) and of the
Content-Security-Policy (django-csp)."""

from typing import Any

import environ


def twofactor_settings(env: environ.Env) -> dict[str, Any]:
    """TOTP second factor and recovery codes (twofactor/): who must have one, and how
    wrong codes are slowed down and stopped."""
    return {
        # Staff (is_staff or superuser) must enrol before any page, the admin included.
        "TWOFACTOR_REQUIRED_FOR_STAFF": env.bool("TWOFACTOR_REQUIRED_FOR_STAFF", default=True),
        # The issuer an authenticator app shows beside the account.
        "TWOFACTOR_ISSUER": env.str("TWOFACTOR_ISSUER", default="isvplatform"),
        "TWOFACTOR_RECOVERY_CODES": 10,
        # Wrong codes in one signed-in session before it is signed out (password again).
        "TWOFACTOR_SESSION_FAILURE_LIMIT": env.int("TWOFACTOR_SESSION_FAILURE_LIMIT", default=5),
        # django-otp's per-device throttle: after n failures, wait factor * 2**(n-1) seconds.
        "OTP_TOTP_THROTTLE_FACTOR": env.int("OTP_TOTP_THROTTLE_FACTOR", default=1),
        "OTP_STATIC_THROTTLE_FACTOR": env.int("OTP_STATIC_THROTTLE_FACTOR", default=1),
        # The admin never shows a TOTP key, its QR code or recovery codes.
        "OTP_ADMIN_HIDE_SENSITIVE_DATA": True,
    }


def security_settings(env: environ.Env) -> dict[str, Any]:
    values: dict[str, Any] = {}
    values.update(twofactor_settings(env))
    return values
