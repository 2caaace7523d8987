"""Portal page of the tenant's own Twilio account: connect it instead of a subaccount, or
disconnect it. Thin: the service checks the credentials with Twilio and stores them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from isvplatform import gateway
from provisioning.connected import twilio_account_connect, twilio_account_disconnect
from provisioning.errors import ProvisioningConflict
from provisioning.forms import TwilioAccountForm
from provisioning.selectors import connected_account, open_subaccount
from tenants.forms import add_service_errors
from tenants.views import TenantManageMixin, TenantRequiredMixin

UNAVAILABLE = "Twilio is not answering right now; try again shortly."


class TwilioAccountView(TenantRequiredMixin, TemplateView):
    """GET: the connected account, or the form; POST (owners, admins): connect."""

    template_name = "provisioning/twilio_account.html"
    write_permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = connected_account(self.tenant)
        context.setdefault("form", TwilioAccountForm())
        context.update(
            account=account if account and account.status != account.Status.CLOSED else None,
            subaccount=open_subaccount(self.tenant),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = TwilioAccountForm(request.POST)
        if form.is_valid():
            try:
                twilio_account_connect(
                    tenant=self.tenant,
                    actor=self.actor,
                    account_sid=form.cleaned_data["twilio_account_sid"],
                    auth_token=form.cleaned_data["twilio_auth_token"],
                    api_key_sid=form.cleaned_data["twilio_api_key_sid"],
                    api_key_secret=form.cleaned_data["twilio_api_key_secret"],
                )
            except ValidationError as err:
                add_service_errors(form, err)
            except ProvisioningConflict as err:
                form.add_error(None, err.message)
            except gateway.GatewayError:
                form.add_error(None, UNAVAILABLE)
            else:
                messages.success(
                    request, "Your Twilio account is connected; its numbers are being set up."
                )
                return redirect("provisioning:twilio_account")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TwilioAccountDisconnectView(TenantManageMixin, View):
    def post(self, request):
        try:
            twilio_account_disconnect(tenant=self.tenant, actor=self.actor)
        except ProvisioningConflict as err:
            messages.error(request, err.message)
        else:
            messages.success(request, "Disconnected. Nothing was changed in your Twilio account.")
        return redirect("provisioning:twilio_account")
