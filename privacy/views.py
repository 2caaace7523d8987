"""The portal's privacy page (Settings → Privacy): the tenant's full data export with its
progress and download, and "forget this person" with a confirmation step. Owners and
admins only: both reach every person's data."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from privacy.api import export_file_response
from privacy.forms import ErasureForm
from privacy.models import DataExport, ErasureRequest
from privacy.selectors import erasure_list, export_for_tenant, export_list
from privacy.services import clean_subject, erasure_progress, erasure_request, export_request
from tenants.forms import add_service_errors
from tenants.views import TenantManageMixin


class PrivacyView(TenantManageMixin, TemplateView):
    template_name = "privacy/settings.html"

    def get_template_names(self):
        if self.request.GET.get("partial") == "exports":
            return ["privacy/_exports.html"]
        if self.request.GET.get("partial") == "erasures":
            return ["privacy/_erasures.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exports = list(export_list(self.tenant)[:10])
        erasures = list(erasure_list(self.tenant)[:20])
        for erasure in erasures:
            erasure.progress = erasure_progress(erasure)
        open_exports = (DataExport.Status.PENDING, DataExport.Status.RUNNING)
        open_erasures = (ErasureRequest.Status.PENDING, ErasureRequest.Status.RUNNING)
        context.update(
            exports=exports,
            erasures=erasures,
            exports_running=any(e.status in open_exports for e in exports),
            erasures_running=any(e.status in open_erasures for e in erasures),
            form=kwargs.get("form") or ErasureForm(),
        )
        return context


class ExportCreateView(TenantManageMixin, View):
    def post(self, request):
        export_request(tenant=self.tenant, actor=self.actor)
        messages.success(request, "Your data export is being written.")
        return redirect("privacy:settings")


class ExportDownloadView(TenantManageMixin, View):
    def get(self, request, pk):
        return export_file_response(export_for_tenant(self.tenant, pk), self.actor)


class ErasureCreateView(PrivacyView):
    """First post: the confirmation page; the confirmed post queues the erasure."""

    http_method_names = ["post"]

    def post(self, request):
        form = ErasureForm(request.POST)
        if form.is_valid():
            try:
                if form.cleaned_data["confirm"]:
                    erasure_request(tenant=self.tenant, actor=self.actor, **form.subject())
                    messages.success(request, "The person is being forgotten.")
                    return redirect("privacy:settings")
                kind, value = clean_subject(**_both(form.subject()))
            except ValidationError as err:
                _field_errors_to_value(form, err)
            else:
                confirm = ErasureForm(initial={"kind": kind, "value": value, "confirm": True})
                context = self.get_context_data(confirm_form=confirm, kind=kind, value=value)
                return self.response_class(
                    request=request,
                    template="privacy/erasure_confirm.html",
                    context=context,
                    using=self.template_engine,
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _both(subject: dict[str, str]) -> dict[str, str | None]:
    return {"phone": subject.get("phone"), "email": subject.get("email")}


def _field_errors_to_value(form: ErasureForm, err: ValidationError) -> None:
    """The service names `phone` or `email`; the form has one `value` field."""
    if hasattr(err, "error_dict"):
        for messages_ in err.message_dict.values():
            for message in messages_:
                form.add_error("value", message)
    else:
        add_service_errors(form, err)
