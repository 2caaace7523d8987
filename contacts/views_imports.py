"""Portal pages of the CSV import wizard: upload → map the columns (and the consent the
list carries) → dry-run preview → start → progress bar (htmx polls a small partial) →
errors CSV."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from contacts import exports
from contacts.forms import ImportOptionsForm, UploadForm, attach_errors
from contacts.models import ContactField, ContactImport
from contacts.selectors import import_errors, import_for_tenant, import_progress
from contacts.services import (
    ImportConflict,
    import_cancel,
    import_configure,
    import_preview,
    import_start,
    import_upload,
)
from contacts.services.imports import max_upload_bytes
from tenants.views import TenantRequiredMixin

Status = ContactImport.Status


class ImportUploadView(TenantRequiredMixin, TemplateView):
    """Step 1: choose the file; below it, the recent imports."""

    template_name = "contacts/import_upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", UploadForm())
        context["imports"] = ContactImport.objects.for_tenant(self.tenant)[:20]
        context["max_mb"] = max_upload_bytes() // (1024 * 1024)
        return context

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = import_upload(
                    tenant=self.tenant, actor=self.actor, upload=form.cleaned_data["file"]
                )
            except ValidationError as err:
                attach_errors(form, err)
            else:
                return redirect("contacts:import_map", pk=job.pk)
        context = self.get_context_data(form=form)
        return TemplateResponse(request, self.template_name, context, status=400)


class ImportMapView(TenantRequiredMixin, TemplateView):
    """Steps 2 and 3: map the columns, preview (dry run), start."""

    template_name = "contacts/import_map.html"

    def job(self) -> ContactImport:
        return import_for_tenant(self.tenant, self.kwargs["pk"])

    def form(self, job: ContactImport, data=None) -> ImportOptionsForm:
        return ImportOptionsForm(
            data,
            initial=None if data else ImportOptionsForm.initial_for(job),
            columns=job.columns,
            custom_fields=ContactField.objects.for_tenant(self.tenant),
        )

    def get(self, request, *args, **kwargs):
        job = self.job()
        if job.status != Status.UPLOADED:
            return redirect("contacts:import_progress", pk=job.pk)
        return self._page(job, self.form(job))

    def post(self, request, *args, **kwargs):
        job = self.job()
        form = self.form(job, request.POST)
        preview = None
        if form.is_valid():
            try:
                if request.POST.get("action") == "start":
                    import_start(job=job, actor=self.actor, data=form.data_for_service())
                    messages.success(request, "Import started.")
                    return redirect("contacts:import_progress", pk=job.pk)
                preview = import_preview(job=job, data=form.data_for_service())
                import_configure(job=job, actor=self.actor, data=form.data_for_service())
            except ValidationError as err:
                attach_errors(form, err, form.service_aliases)
            except ImportConflict as err:
                messages.error(request, str(err))
                return redirect("contacts:import_progress", pk=job.pk)
        return self._page(job, form, preview, status=200 if form.is_valid() else 400)

    def _page(self, job, form, preview=None, status=200):
        rows = list(zip(job.columns, (form[name] for name in form.column_fields), strict=True))
        context = self.get_context_data(job=job, form=form, column_rows=rows, preview=preview)
        return TemplateResponse(self.request, self.template_name, context, status=status)


class ImportProgressView(TenantRequiredMixin, TemplateView):
    """The progress bar; `?partial=1` is the card htmx swaps in while the job runs."""

    template_name = "contacts/import_progress.html"

    def get_template_names(self):
        if self.request.GET.get("partial"):
            return ["contacts/_import_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = import_for_tenant(self.tenant, self.kwargs["pk"])
        context.update(
            job=job,
            progress_percent=round(100 * import_progress(job)),
            running=job.status in (Status.QUEUED, Status.RUNNING),
            first_errors=import_errors(job)[:10],
        )
        return context


class ImportErrorsView(TenantRequiredMixin, View):
    def get(self, request, pk):
        return exports.import_errors_csv(import_for_tenant(self.tenant, pk))


class ImportCancelView(TenantRequiredMixin, View):
    def post(self, request, pk):
        try:
            import_cancel(job=import_for_tenant(self.tenant, pk), actor=self.actor)
        except ImportConflict as err:
            messages.error(request, str(err))
        else:
            messages.success(request, "Import stopped; the rows already imported stay.")
        return redirect("contacts:import_progress", pk=pk)
