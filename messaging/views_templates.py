"""The approved-template picker of the composer and the reply box (htmx): picking a template
brings one input per variable, and typing refreshes a WhatsApp-style preview."""

from django.shortcuts import render
from django.views import View

from messaging.forms import template_variables_of
from messaging.services.template_sends import (
    TemplatePreview,
    picked_template,
    template_preview,
)
from tenants.models import Tenant
from tenants.views import TenantRequiredMixin

FIELDS_TEMPLATE = "messaging/_template_fields.html"
PREVIEW_TEMPLATE = "messaging/_template_preview.html"


def picker_state(tenant: Tenant, data) -> TemplatePreview | None:
    """The picker as the submitted (or queried) data leave it; None when nothing is picked."""
    template = picked_template(tenant, data.get("template"))
    return template_preview(template, template_variables_of(data))


class TemplateFieldsView(TenantRequiredMixin, View):
    """GET ?template=<id>&var_1=…: the variable inputs and preview (`part=preview`: only
    the preview, so typing keeps the focus in its input)."""

    def get(self, request):
        picked = picker_state(self.tenant, request.GET)
        name = PREVIEW_TEMPLATE if request.GET.get("part") == "preview" else FIELDS_TEMPLATE
        return render(request, name, {"picked": picked})
