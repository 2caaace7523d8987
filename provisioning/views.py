"""Portal pages of onboarding: sign-up, the onboarding checklist, and the numbers page.

Thin: reads are scoped with `for_tenant`, writes go to the services.
"""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from isvplatform import gateway
from isvplatform.public import client_ip
from provisioning import numbers as number_services
from provisioning import services
from provisioning.accounts import sending_mode
from provisioning.errors import ProvisioningConflict
from provisioning.forms import NumberBuyForm, NumberSearchForm, SignupForm
from provisioning.models import PhoneNumber
from provisioning.selectors import (
    active_subaccount,
    may_connect_own_account,
    onboarding_steps,
    open_subaccount,
)
from provisioning.signup import self_signup
from tenants.forms import add_service_errors
from tenants.views import TenantManageMixin, TenantRequiredMixin


def _failure_message(err: Exception) -> str:
    if isinstance(err, ProvisioningConflict):
        return err.message
    if isinstance(err, gateway.RetryableGatewayError):
        return "Twilio is not answering right now; try again in a moment."
    return str(err)


# --- sign-up ------------------------------------------------------------------------------


class SignupView(View):
    """Public: a business signs up, then is asked to check its inbox and sign in.

    The answer is the same whether or not the address already has an account (the owner of
    a taken one is emailed instead), so the form cannot be used to find out who is a customer.
    """

    template_name = "provisioning/signup.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect("portal:dashboard")
        return render(request, self.template_name, {"form": SignupForm()})

    def post(self, request):
        form = SignupForm(request.POST)
        if _signups_exhausted(request):
            form.add_error(None, "Too many sign-ups from your network; try again in an hour.")
            return render(request, self.template_name, {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                self_signup(
                    email=data["email"],
                    business_name=data["business_name"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    password=data["password"],
                    profile=form.profile_data(),
                    area_code=data.get("area_code") or "",
                    ip=client_ip(request),
                )
            except ValidationError as err:
                add_service_errors(form, _to_form_fields(err))
            else:
                _count_signup(request)
                return redirect("provisioning:signup_sent")
        return render(request, self.template_name, {"form": form})


class SignupSentView(TemplateView):
    template_name = "provisioning/signup_sent.html"


def _signup_key(request) -> str:
    return f"provisioning:signups:{client_ip(request)}"


def _signups_exhausted(request) -> bool:
    """Each sign-up creates a Twilio subaccount: one address gets `SIGNUPS_PER_HOUR`."""
    return cache.get(_signup_key(request), 0) >= settings.SIGNUPS_PER_HOUR


def _count_signup(request) -> None:
    key = _signup_key(request)
    if cache.add(key, 1, timeout=3600):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.add(key, 1, timeout=3600)


def _to_form_fields(err: ValidationError) -> ValidationError:
    """The profile's `legal_name` is the form's business name."""
    if not hasattr(err, "error_dict"):
        return err
    renamed = {
        ("business_name" if name == "legal_name" else name): errors
        for name, errors in err.error_dict.items()
    }
    return ValidationError(renamed)


# --- onboarding checklist -----------------------------------------------------------------


class OnboardingView(TenantRequiredMixin, TemplateView):
    """The checklist with live progress: htmx reloads the list while a step is under way."""

    template_name = "provisioning/onboarding.html"
    write_permission = "manage"

    def get_template_names(self):
        if self.request.htmx:
            return ["provisioning/_checklist.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        steps = onboarding_steps(self.tenant)
        context.update(
            steps=steps,
            done_count=sum(1 for s in steps if s.state == "done"),
            poll_every=_poll_interval(steps),
            sending=sending_mode(self.tenant),
            subaccount=open_subaccount(self.tenant),
            may_connect_own_account=may_connect_own_account(self.tenant),
        )
        return context

    def post(self, request, *args, **kwargs):
        """Provision, or retry a failed provisioning."""
        try:
            services.subaccount_request(tenant=self.tenant, actor=self.actor)
        except ProvisioningConflict as err:
            messages.error(request, err.message)
        else:
            messages.success(request, "Provisioning your Twilio subaccount…")
        return redirect("provisioning:onboarding")


def _poll_interval(steps) -> str:
    """Seconds matter while the subaccount or first number is being set up; a 10DLC review
    takes days, so its progress is looked at less often."""
    busy = {s.key for s in steps if s.state == "in_progress"}
    if busy & {"subaccount", "number"}:
        return "2s"
    return "30s" if busy else ""


# --- numbers ------------------------------------------------------------------------------


class NumbersView(TenantRequiredMixin, TemplateView):
    """The tenant's numbers, and a search for new ones (results shown before buying)."""

    template_name = "provisioning/numbers.html"

    def get_template_names(self):
        if self.request.htmx and self.request.GET.get("search"):
            return ["provisioning/_search_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        numbers = PhoneNumber.objects.for_tenant(self.tenant).select_related("messaging_service")
        searching = bool(self.request.GET.get("search"))
        defaults = {"country": "US", "type": "local"}
        form = NumberSearchForm(
            {**defaults, **self.request.GET.dict()} if searching else None, initial=defaults
        )
        offers, search_error = [], ""
        if searching and form.is_valid():
            data = form.cleaned_data
            try:
                offers = number_services.number_search(
                    tenant=self.tenant,
                    country=data.get("country") or "US",
                    number_type=data.get("type") or "local",
                    area_code=data.get("area_code") or None,
                    contains=data.get("contains") or "",
                    region=data.get("region") or "",
                    postal_code=data.get("postal_code") or "",
                    sms=True if data.get("sms") else None,
                    mms=True if data.get("mms") else None,
                    voice=True if data.get("voice") else None,
                )
            except ValidationError as err:
                add_service_errors(form, err)
            except (ProvisioningConflict, gateway.GatewayError) as err:
                search_error = _failure_message(err)
        sub = active_subaccount(self.tenant)
        active = [n for n in numbers if n.status == PhoneNumber.Status.ACTIVE]
        context.update(
            form=form,
            searching=searching,
            offers=offers,
            search_error=search_error,
            active_numbers=active,
            released_numbers=[n for n in numbers if n.status == PhoneNumber.Status.RELEASED],
            subaccount=sub,
            limit=sub.effective_number_limit if sub else None,
            at_limit=bool(sub) and len(active) >= sub.effective_number_limit,
            sending=sending_mode(self.tenant),
        )
        return context


class NumberBuyView(TenantManageMixin, TemplateView):
    """GET: the confirmation (number, type, monthly price); POST: buy it."""

    template_name = "provisioning/number_buy.html"

    def get(self, request, *args, **kwargs):
        form = NumberBuyForm(request.GET)
        if not form.is_valid():
            messages.error(request, "Choose a number from the search results first.")
            return redirect("provisioning:numbers")
        return self.render_to_response(self._context(form))

    def _context(self, form: NumberBuyForm) -> dict:
        number_type = form.cleaned_data.get("type") or number_services.number_type_of(
            form.cleaned_data["phone_number"]
        )
        return self.get_context_data(
            form=form,
            phone_number=form.cleaned_data["phone_number"],
            number_type=dict(PhoneNumber.NumberType.choices).get(number_type, number_type),
            price=number_services.monthly_price(number_type),
            currency=settings.NUMBER_PRICE_CURRENCY,
        )

    def post(self, request, *args, **kwargs):
        form = NumberBuyForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a number from the search results first.")
            return redirect("provisioning:numbers")
        try:
            number = number_services.number_buy(
                tenant=self.tenant,
                actor=self.actor,
                phone_number=form.cleaned_data["phone_number"],
                friendly_name=form.cleaned_data.get("friendly_name") or "",
            )
        except ValidationError as err:
            add_service_errors(form, err)
            return self.render_to_response(self._context(form))
        except (ProvisioningConflict, gateway.GatewayError) as err:
            messages.error(request, f"The number wasn't bought: {_failure_message(err)}")
            return redirect("provisioning:numbers")
        messages.success(request, f"{number.phone_number} is yours, ready to send and receive.")
        return redirect("provisioning:numbers")


class NumberObjectMixin:
    """Looks the number up inside the current tenant only: another tenant's id is a 404."""

    http_method_names = ["get", "post"]

    def get_number(self) -> PhoneNumber:
        return get_object_or_404(PhoneNumber.objects.for_tenant(self.tenant), pk=self.kwargs["pk"])


class NumberPrimaryView(NumberObjectMixin, TenantRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        number = self.get_number()
        try:
            number_services.number_set_primary(number=number, actor=self.actor)
        except ProvisioningConflict as err:
            messages.error(request, err.message)
        else:
            messages.success(request, f"{number.phone_number} is now your primary number.")
        return redirect("provisioning:numbers")


class NumberReleaseView(NumberObjectMixin, TenantManageMixin, TemplateView):
    """GET: confirm; POST: release (detached and deleted in Twilio, kept here as history)."""

    template_name = "provisioning/number_release.html"

    def get(self, request, *args, **kwargs):
        number = self.get_number()
        if number.status != PhoneNumber.Status.ACTIVE:
            return redirect("provisioning:numbers")
        return self.render_to_response(self.get_context_data(number=number))

    def post(self, request, pk):
        number = self.get_number()
        try:
            number_services.number_release(number=number, actor=self.actor)
        except (ProvisioningConflict, gateway.GatewayError) as err:
            messages.error(request, f"The number wasn't released: {_failure_message(err)}")
        else:
            messages.success(request, f"{number.phone_number} was released.")
        return redirect(reverse("provisioning:numbers"))
