"""Settings of two-factor sign-in (twofactor/, django-otp) and of the
Content-Security-Policy (django-csp)."""

from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF

CSP_REPORT_PATH = "/csp-report/"


def csp_directives(*, report: bool) -> dict[str, Any]:
    """The one policy of every page: scripts and styles only from the platform or carrying
    the request's nonce (no inline handler, no `style=` attribute, no eval), and no framing.

    A few views loosen one directive for themselves (`isvplatform/csp_policy.py`): the hosted
    verification page may be framed by the tenant's allowed origins and shows its logo;
    pages previewing an email let its inline styles and images through.
    """
    directives: dict[str, Any] = {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
    if report:
        directives["report-uri"] = [CSP_REPORT_PATH]
    return directives


def csp_settings(env: environ.Env) -> dict[str, Any]:
    """`CSP_REPORT_ONLY=true` sends the policy as Content-Security-Policy-Report-Only (browsers
    report, block nothing): the way to try a stricter policy on a live site first.
    `CSP_REPORTS=false` drops the report-uri (violations are then only in the browser)."""
    report_only = env.bool("CSP_REPORT_ONLY", default=False)
    policy = {"DIRECTIVES": csp_directives(report=env.bool("CSP_REPORTS", default=True))}
    return {
        "CSP_REPORT_ONLY": report_only,
        "CONTENT_SECURITY_POLICY": None if report_only else policy,
        "CONTENT_SECURITY_POLICY_REPORT_ONLY": policy if report_only else None,
        "CSP_REPORT_MAX_BYTES": env.int("CSP_REPORT_MAX_BYTES", default=8192),
    }


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
    values.update(csp_settings(env))
    return values
