"""The send page's Email tab: one email from a verified identity, written here or from a
template, through the same service (and refusals) as POST /api/v1/messages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.generic import TemplateView

from emails.forms import EmailComposeForm, attach_errors
from emails.selectors import from_suggestions, template_list, verified_identities
from emails.services import email_send
from messaging.models import Message
from tenants.views import TenantRequiredMixin

ALIASES = {"from": "from_", "body": "text"}


class EmailComposeView(TenantRequiredMixin, TemplateView):
    template_name = "emails/compose.html"

    def form(self, data=None) -> EmailComposeForm:
        params = self.request.GET
        initial = {k: params[k][:254] for k in ("to", "template") if k in params}
        initial["from_name"] = self.tenant.name[:100]
        if "from" in params:
            initial["from_"] = params["from"][:254]
        return EmailComposeForm(data, initial=initial, templates=template_list(self.tenant))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context.update(
            suggestions=from_suggestions(self.tenant),
            has_identity=verified_identities(self.tenant).exists(),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                message = email_send(
                    tenant=self.tenant,
                    to=data["to"],
                    from_=data["from_"],
                    from_name=data["from_name"],
                    subject=data["subject"],
                    html=data["html"],
                    text=data["text"],
                    template=data["template"],
                    variables=data["variables"],
                    category=data["category"],
                    actor=self.actor,
                    origin=Message.Origin.PORTAL,
                )
            except ValidationError as err:
                attach_errors(form, err, ALIASES)
            else:
                messages.success(request, f"Email to {message.to_number} queued.")
                return redirect("messaging:message", pk=message.pk)
        context = self.get_context_data(form=form)
        return TemplateResponse(request, self.template_name, context, status=400)
