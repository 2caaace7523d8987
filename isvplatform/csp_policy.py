"""Per-view changes to the Content-Security-Policy of `settings_security.py`.

django-csp's decorators change the enforced header or the report-only one, chosen at import
time; these helpers change whichever of the two `CSP_REPORT_ONLY` turned on, so a view's
loosening is tried in report-only mode exactly as it will be enforced.
"""

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from csp.constants import UNSAFE_INLINE
from django.http import HttpResponseBase

# An email shown as its recipient sees it, in a sandboxed `srcdoc` iframe. Such a frame
# inherits the page's policy, and the sanitized HTML keeps inline styles and https images
# (emails/services/content.py): only those two are let through, and no script runs
# (sandbox="" and script-src unchanged).
EMAIL_PREVIEW = {"style-src-attr": [UNSAFE_INLINE], "img-src": ["https:"]}


def _merge(response: HttpResponseBase, attribute: str, directives: dict[str, Any]) -> None:
    current = dict(getattr(response, attribute, None) or {})
    for name, sources in directives.items():
        current[name] = [*current.get(name, []), *sources]
    setattr(response, attribute, current)


def policy_update(response: HttpResponseBase, directives: dict[str, Any]) -> HttpResponseBase:
    """Add sources to directives of this response's policy (enforced and report-only)."""
    for attribute in ("_csp_update", "_csp_update_ro"):
        _merge(response, attribute, directives)
    return response


def policy_replace(response: HttpResponseBase, directives: dict[str, Any]) -> HttpResponseBase:
    """Replace whole directives of this response's policy (enforced and report-only)."""
    for attribute in ("_csp_replace", "_csp_replace_ro"):
        setattr(response, attribute, {**(getattr(response, attribute, None) or {}), **directives})
    return response


def image_origin(url: str) -> str | None:
    """The `scheme://host[:port]` of an http(s) image URL, as a CSP source; None otherwise."""
    try:
        parts = urlsplit(url or "")
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname
    if any(c in host for c in " ;,'\"[]"):
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def allow_images_from(response: HttpResponseBase, urls: Iterable[str]) -> HttpResponseBase:
    """Let this page show images from the origins of `urls` (a tenant's logo)."""
    origins = sorted({o for o in (image_origin(u) for u in urls) if o})
    return policy_update(response, {"img-src": origins}) if origins else response


class EmailPreviewPolicyMixin:
    """For a page that shows an email's HTML (see EMAIL_PREVIEW)."""

    def dispatch(self, request, *args, **kwargs):
        return policy_update(super().dispatch(request, *args, **kwargs), EMAIL_PREVIEW)
