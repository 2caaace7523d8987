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


def security_settings(env: environ.Env) -> dict[str, Any]:
    values: dict[str, Any] = {}
    values.update(csp_settings(env))
    return values
