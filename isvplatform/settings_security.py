"""Settings of two-factor sign-in (twofactor/, django-otp) and of the
Content-Security-Policy (django-csp)."""

from typing import Any

import environ


def security_settings(env: environ.Env) -> dict[str, Any]:
    values: dict[str, Any] = {}
    return values
