"""What a signed-in session still owes before it reaches a page: a code, or an enrolment.

A person with a confirmed authenticator app must enter a code after the password (or the
admin's login); a person who must have 2FA (staff, or a tenant's rule) and has none must
set it up first. API keys never pass through here: only session sign-in is gated.
"""

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from twofactor import selectors

VERIFY = "verify"
ENROL = "enrol"


def step_needed(user) -> str | None:
    """`VERIFY`, `ENROL` or None for an authenticated user (django-otp's `is_verified`)."""
    if not user.is_authenticated or user.is_verified():
        return None
    has_two_factor, enforced = selectors.gate_facts(user)
    if has_two_factor:
        return VERIFY
    if enforced or selectors.staff_requirement_applies(user):
        return ENROL
    return None


def safe_next(request) -> str:
    """The `next` page of the request when it is ours, else the portal's start page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else reverse("portal:dashboard")
