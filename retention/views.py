"""The portal's retention page: everyone sees the periods, owners and admins change them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from retention.forms import RetentionPolicyForm
from retention.services import PERIOD_FIELDS, policy_for, retention_policy_update
from tenants.forms import add_service_errors
from tenants.views import TenantRequiredMixin


class RetentionSettingsView(TenantRequiredMixin, TemplateView):
    template_name = "retention/settings.html"
    write_permission = "manage"

    def get(self, request, *args, **kwargs):
        policy = policy_for(self.tenant)
        initial = {name: getattr(policy, name) for name in PERIOD_FIELDS}
        form = RetentionPolicyForm(initial=initial, read_only=not self.can_manage)
        return self.render_to_response(self.get_context_data(form=form, policy=policy))

    def post(self, request, *args, **kwargs):
        form = RetentionPolicyForm(request.POST)
        if form.is_valid():
            try:
                retention_policy_update(
                    tenant=self.tenant, data=form.cleaned_data, actor=self.actor
                )
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                messages.success(request, "Retention periods saved.")
                return redirect("retention:settings")
        context = self.get_context_data(form=form, policy=policy_for(self.tenant))
        return self.render_to_response(context, status=400)
