"""The sign-in gate: a session that owes a second factor reaches only the 2FA pages.

Runs after django-otp's OTPMiddleware (which sets `request.user.is_verified()`). Pages are
redirected to the code or enrolment step; API calls made with the session get a 403 in
the API's error format. Requests without a session user (API keys, webhooks, the public
widget) pass untouched.
"""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from isvplatform.api.errors import error_body
from twofactor.gate import ENROL, step_needed

# The pages a session owing a factor may still open (the 2FA settings themselves are not:
# a password alone must not switch 2FA off or change a tenant's rule).
OPEN_VIEWS = {"twofactor:verify", "twofactor:enrol", "logout", "login", "healthz", "metrics"}
MESSAGES = {
    "verify": "Enter the code from your authenticator app to finish signing in.",
    "enrol": "Set up two-factor sign-in to continue.",
}


class TwoFactorGateMiddleware:
    """Gates in `process_view`, once the URL is resolved: the view's name says whether the
    page is open, and a path that resolves to nothing (a 404) never gets here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.resolver_match.view_name in OPEN_VIEWS:
            return None
        step = step_needed(user)
        if step is None:
            return None
        if request.path_info.startswith("/api/"):
            body = error_body("two_factor_required", MESSAGES[step])
            return JsonResponse(body, status=403)
        return self._redirect(request, step)

    @staticmethod
    def _redirect(request, step: str) -> HttpResponseRedirect:
        target = reverse("twofactor:enrol" if step == ENROL else "twofactor:verify")
        back = request.get_full_path() if request.method == "GET" else "/"
        url = f"{target}?{urlencode({'next': back})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
