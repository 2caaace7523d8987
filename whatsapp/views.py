"""Portal pages of WhatsApp senders: the list, the "Connect WhatsApp" flow (the WABA from
Meta's Embedded Signup, or the sandbox's simulated signup; then the number and profile), and
each sender's page (verification code, status, quality, limit, timeline; htmx-polled)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from isvplatform.csp_policy import policy_update
from tenants.views import TenantRequiredMixin
from whatsapp import services
from whatsapp.forms import CodeForm, SenderDetailsForm, SimulatedSignupForm, WabaIdForm
from whatsapp.models import VerificationMethod, WhatsAppSender
from whatsapp.validation import clean_waba_id

WABA_SESSION_KEY = "whatsapp_waba_id"


def embedded_signup(tenant) -> dict | None:
    """Meta's Embedded Signup settings when the page should offer it (live mode, configured),
    else None: the sandbox's simulated signup stands in."""
    sandboxed = (settings.TWILIO_MODE or "sandbox").lower() == "sandbox" or tenant.is_demo
    if sandboxed or not (settings.META_APP_ID and settings.META_CONFIG_ID):
        return None
    return {
        "app_id": settings.META_APP_ID,
        "config_id": settings.META_CONFIG_ID,
        "graph_version": settings.META_GRAPH_VERSION,
    }


def _attach(form, error: ValidationError) -> None:
    for field, problems in getattr(error, "message_dict", {"__all__": error.messages}).items():
        form.add_error(field if field in form.fields else None, problems)


class SenderListView(TenantRequiredMixin, TemplateView):
    template_name = "whatsapp/senders.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["senders"] = (
            WhatsAppSender.objects.for_tenant(self.tenant).select_related("phone_number").all()
        )
        return context


# Meta's JavaScript SDK for Embedded Signup (live mode only): its script, the frames of its
# dialogs and its calls home. The signup itself runs in a window of Meta's own.
META_SDK_POLICY = {
    "script-src": ["https://connect.facebook.net"],
    "frame-src": ["https://www.facebook.com", "https://web.facebook.com"],
    "connect-src": ["https://www.facebook.com", "https://graph.facebook.com"],
    "img-src": ["https://www.facebook.com"],
}


class ConnectView(TenantRequiredMixin, TemplateView):
    """Step 1: the WhatsApp Business Account, from Meta (live) or simulated (sandbox)."""

    template_name = "whatsapp/connect.html"
    write_permission = "manage"

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return policy_update(response, META_SDK_POLICY) if context.get("meta") else response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = embedded_signup(self.tenant)
        context.update(meta=meta)
        if meta is None:
            context.setdefault(
                "form", SimulatedSignupForm(initial={"business_name": self.tenant.name})
            )
        else:
            context.setdefault("form", WabaIdForm())
        return context

    def post(self, request, *args, **kwargs):
        meta = embedded_signup(self.tenant)
        form = (WabaIdForm if meta else SimulatedSignupForm)(request.POST)
        if form.is_valid():
            waba_id = form.cleaned_data["waba_id"] if meta else form.waba_id()
            try:
                request.session[WABA_SESSION_KEY] = clean_waba_id(waba_id)
            except ValidationError as err:
                _attach(form, err)
            else:
                return redirect("whatsapp:details")
        return self.render_to_response(self.get_context_data(form=form))


class DetailsView(TenantRequiredMixin, TemplateView):
    """Step 2: the number, the display name and the business profile."""

    template_name = "whatsapp/details.html"
    write_permission = "manage"

    def dispatch(self, request, *args, **kwargs):
        if not request.session.get(WABA_SESSION_KEY):
            return redirect("whatsapp:connect")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        numbers = list(services.available_numbers(self.tenant))
        context.setdefault(
            "form",
            SenderDetailsForm(numbers=numbers, initial={"display_name": self.tenant.name}),
        )
        context.update(numbers=numbers, waba_id=self.request.session[WABA_SESSION_KEY])
        return context

    def post(self, request, *args, **kwargs):
        numbers = list(services.available_numbers(self.tenant))
        form = SenderDetailsForm(request.POST, numbers=numbers)
        if form.is_valid():
            data = {**form.submission(), "waba_id": request.session[WABA_SESSION_KEY]}
            try:
                sender = services.start_onboarding(
                    tenant=self.tenant,
                    actor=self.actor,
                    phone_number=form.cleaned_data["phone_number"],
                    data=data,
                )
            except ValidationError as err:
                _attach(form, err)
            else:
                request.session.pop(WABA_SESSION_KEY, None)
                messages.success(
                    request,
                    f"{sender.phone_number.phone_number} is being registered with WhatsApp. "
                    "A verification code is on its way to the number.",
                )
                return redirect("whatsapp:sender", pk=sender.pk)
        return self.render_to_response(self.get_context_data(form=form))


class SenderView(TenantRequiredMixin, TemplateView):
    """One sender: the code step while it waits for it, then status and timeline."""

    template_name = "whatsapp/sender.html"

    def sender(self) -> WhatsAppSender:
        return get_object_or_404(
            WhatsAppSender.objects.for_tenant(self.tenant).select_related("phone_number"),
            pk=self.kwargs["pk"],
        )

    def get_template_names(self):
        if self.request.htmx:
            return ["whatsapp/_sender_status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sender = self.sender()
        context.update(
            sender=sender,
            events=sender.events.all(),
            methods=VerificationMethod.choices,
            handset_url=f"/sandbox/handset/?number={sender.phone_number.phone_number}"
            if embedded_signup(self.tenant) is None
            else "",
        )
        context.setdefault("code_form", CodeForm())
        return context


class VerifyView(SenderView):
    write_permission = "manage"

    def post(self, request, *args, **kwargs):
        sender = self.sender()
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                services.submit_code(
                    sender=sender, actor=self.actor, code=form.cleaned_data["code"]
                )
            except ValidationError as err:
                _attach(form, err)
            except services.SenderConflict as err:
                form.add_error(None, str(err))
            else:
                return redirect("whatsapp:sender", pk=sender.pk)
        return self.render_to_response(self.get_context_data(code_form=form))


class ResendView(SenderView):
    write_permission = "manage"

    def post(self, request, *args, **kwargs):
        sender = self.sender()
        try:
            services.request_new_code(
                sender=sender, actor=self.actor, method=request.POST.get("method", "")
            )
        except (ValidationError, services.SenderConflict) as err:
            messages.error(request, " ".join(getattr(err, "messages", [str(err)])))
        else:
            messages.success(request, "A new code is on its way.")
        return redirect("whatsapp:sender", pk=sender.pk)
