"""The second step of signing in: a code from the app, or a one-time recovery code.

Each device throttles its own wrong codes (django-otp); on top, a session that gets
`TWOFACTOR_SESSION_FAILURE_LIMIT` wrong codes in a row is signed out, so that guessing
needs the password again (and django-axes counts those).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from twofactor import selectors
from twofactor.forms import CodeForm
from twofactor.gate import VERIFY, safe_next, step_needed
from twofactor.services import WRONG_CODE, code_check

logger = logging.getLogger(__name__)
FAILURES_SESSION_KEY = "twofactor_failures"


class VerifyView(LoginRequiredMixin, View):
    template_name = "twofactor/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and step_needed(request.user) != VERIFY:
            return redirect(safe_next(request))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(request, CodeForm(recovery_allowed=True))

    def post(self, request):
        form = CodeForm(request.POST, recovery_allowed=True)
        if not form.is_valid():
            return self.render(request, form, status=400)
        checked = code_check(user=request.user, code=form.cleaned_data["code"])
        if checked.device is not None:
            return self.signed_in(request, checked.device)
        if checked.retry_after is not None:
            wait = max(1, int((checked.retry_after - timezone.now()).total_seconds()) + 1)
            form.add_error("code", f"Too many wrong codes. Try again in {wait} seconds.")
            return self.render(request, form, status=429)
        failures = request.session.get(FAILURES_SESSION_KEY, 0) + 1
        logger.info("twofactor.code_refused", extra={"user_id": request.user.pk, "n": failures})
        if failures >= settings.TWOFACTOR_SESSION_FAILURE_LIMIT:
            logout(request)
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect("login")
        request.session[FAILURES_SESSION_KEY] = failures
        form.add_error("code", WRONG_CODE)
        return self.render(request, form, status=400)

    def signed_in(self, request, device):
        otp_login(request, device)
        request.session.pop(FAILURES_SESSION_KEY, None)
        if isinstance(device, StaticDevice):
            left = selectors.recovery_codes_left(request.user)
            messages.warning(
                request,
                f"You signed in with a recovery code; {left} left. Make new ones in "
                "Two-factor settings if you are running low.",
            )
        return redirect(safe_next(request))

    def render(self, request, form: CodeForm, status: int = 200):
        context = {"form": form, "next": safe_next(request)}
        return render(request, self.template_name, context, status=status)
