"""The person's two-factor settings: enrol, recovery codes, switch off; a tenant's rule.

These pages need a signed-in person but no tenant (staff enrol here too). Of them, only the
enrolment stays open while the sign-in gate (twofactor/middleware.py) holds a session back.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView
from django_otp import login as otp_login

from tenants.forms import add_service_errors
from tenants.models import Membership
from tenants.services import Actor
from twofactor import selectors
from twofactor.forms import CodeForm, SecurityPolicyForm
from twofactor.gate import safe_next
from twofactor.qr import manual_secret, otpauth_uri, qr_svg
from twofactor.services import (
    recovery_codes_regenerate,
    security_policy_update,
    totp_enrolment_confirm,
    totp_enrolment_start,
    two_factor_disable,
)

# Where just-made recovery codes wait for the one page that shows them.
NEW_CODES_SESSION_KEY = "twofactor_new_codes"


def _no_store(response: HttpResponse) -> HttpResponse:
    """Pages with a secret or codes on them are never cached."""
    add_never_cache_headers(response)
    return response


def _owner_membership(request) -> Membership | None:
    membership = request.membership
    return membership if membership and membership.role == Membership.Role.OWNER else None


class SecuritySettingsView(LoginRequiredMixin, TemplateView):
    template_name = "twofactor/settings.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        membership = self.request.membership or None
        context = super().get_context_data(**kwargs)
        context.update(
            enabled=selectors.has_two_factor(user),
            required_reason=selectors.required_reason(user),
            codes_left=selectors.recovery_codes_left(user),
            disable_form=kwargs.get("disable_form") or CodeForm(recovery_allowed=True),
            membership=membership,
            is_owner=_owner_membership(self.request) is not None,
        )
        if membership:
            policy = selectors.policy_for(membership.tenant)
            context.update(
                policy=policy,
                policy_form=SecurityPolicyForm(
                    initial={"require_two_factor": policy.require_two_factor}
                ),
            )
        return context


class EnrolView(LoginRequiredMixin, View):
    """Show the QR code and secret; a matching first code switches 2FA on."""

    def get(self, request):
        if selectors.has_two_factor(request.user):
            return redirect("twofactor:settings")
        return self.render(request, CodeForm())

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                codes = totp_enrolment_confirm(
                    user=request.user,
                    code=form.cleaned_data["code"],
                    actor=Actor.from_request(request),
                )
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                otp_login(request, selectors.totp_device_for(request.user))
                request.session[NEW_CODES_SESSION_KEY] = codes
                messages.success(request, "Two-factor sign-in is on.")
                return redirect(f"{_codes_url()}?next={safe_next(request)}")
        return self.render(request, form, status=400)

    def render(self, request, form: CodeForm, status: int = 200) -> HttpResponse:
        try:
            device = totp_enrolment_start(user=request.user)
        except ValidationError:
            return redirect("twofactor:settings")
        context = {
            "form": form,
            "qr": qr_svg(otpauth_uri(device)),
            "secret": manual_secret(device),
            "required_reason": selectors.required_reason(request.user),
            "next": safe_next(request),
        }
        return _no_store(render(request, "twofactor/enrol.html", context, status=status))


def _codes_url() -> str:
    from django.urls import reverse

    return reverse("twofactor:recovery_codes")


class RecoveryCodesView(LoginRequiredMixin, View):
    """The new codes, once (a reload shows only how many are left); POST makes new ones."""

    def get(self, request):
        codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
        if codes is None and not selectors.has_two_factor(request.user):
            return redirect("twofactor:settings")
        context = {
            "codes": codes,
            "codes_text": "\n".join(codes or []),
            "codes_left": selectors.recovery_codes_left(request.user),
            "next": safe_next(request),
        }
        return _no_store(render(request, "twofactor/recovery_codes.html", context))

    def post(self, request):
        try:
            codes = recovery_codes_regenerate(user=request.user, actor=Actor.from_request(request))
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
            return redirect("twofactor:settings")
        request.session[NEW_CODES_SESSION_KEY] = codes
        messages.success(request, "New recovery codes made; the old ones no longer work.")
        return redirect("twofactor:recovery_codes")


class DisableView(LoginRequiredMixin, View):
    def post(self, request):
        form = CodeForm(request.POST, recovery_allowed=True)
        if form.is_valid():
            try:
                two_factor_disable(
                    user=request.user,
                    code=form.cleaned_data["code"],
                    actor=Actor.from_request(request),
                )
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                messages.success(request, "Two-factor sign-in is off.")
                return redirect("twofactor:settings")
        view = SecuritySettingsView(request=request, kwargs={})
        context = view.get_context_data(disable_form=form)
        return render(request, SecuritySettingsView.template_name, context, status=400)


class SecurityPolicyView(LoginRequiredMixin, View):
    """The tenant's rule: owners only, and only while the tenant is active."""

    def post(self, request):
        membership = _owner_membership(request)
        if membership is None:
            raise PermissionDenied("Only the tenant's owners can change its sign-in rule.")
        if not membership.tenant.is_active:
            raise PermissionDenied(membership.tenant.inactive_message)
        form = SecurityPolicyForm(request.POST)
        form.is_valid()
        required = bool(form.cleaned_data.get("require_two_factor"))
        security_policy_update(
            tenant=membership.tenant, require_two_factor=required, actor=Actor.from_request(request)
        )
        state = "now required" if required else "no longer required"
        messages.success(request, f"Two-factor sign-in is {state} for {membership.tenant.name}.")
        return redirect("twofactor:settings")
