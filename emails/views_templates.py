"""Portal pages of email templates: the list (search, category), the editor with its live
preview (rendered into a sandboxed iframe: no script in a template ever runs in the portal),
and deleting one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from emails.forms import PreviewForm, TemplateForm, attach_errors
from emails.models import EmailTemplate
from emails.selectors import template_for_tenant, template_list
from emails.services import (
    render_email,
    template_create,
    template_delete,
    template_update,
)
from emails.services.content import variables_in
from isvplatform.csp_policy import EmailPreviewPolicyMixin
from tenants.views import TenantRequiredMixin

PAGE_SIZE = 50


class TemplateListView(TenantRequiredMixin, TemplateView):
    template_name = "emails/templates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")[:200]
        category = self.request.GET.get("category", "")
        found = template_list(self.tenant, query=query, category=category)
        page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
        params = "&".join(f"{k}={v}" for k, v in (("q", query), ("category", category)) if v)
        context.update(
            page=page,
            q=query,
            category=category,
            filter_query=params,
            categories=EmailTemplate.Category.choices,
        )
        return context


class TemplateEditView(EmailPreviewPolicyMixin, TenantRequiredMixin, TemplateView):
    """A new template, or one template (`pk`) to change."""

    template_name = "emails/template_edit.html"

    def template(self) -> EmailTemplate | None:
        pk = self.kwargs.get("pk")
        return template_for_tenant(self.tenant, pk) if pk else None

    def get(self, request, *args, **kwargs):
        template = self.template()
        initial = TemplateForm.initial_for(template) if template else None
        return self._page(TemplateForm(initial=initial), template)

    def post(self, request, *args, **kwargs):
        template = self.template()
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                if template is None:
                    template = template_create(
                        tenant=self.tenant, actor=self.actor, **form.cleaned_data
                    )
                else:
                    template = template_update(
                        template=template, actor=self.actor, **form.cleaned_data
                    )
            except ValidationError as err:
                attach_errors(form, err)
            else:
                messages.success(request, f"Template {template.name} saved.")
                return redirect("emails:template", pk=template.pk)
        return self._page(form, template, status=400)

    def _page(self, form, template, status=200):
        context = self.get_context_data(form=form, email_template=template)
        return TemplateResponse(self.request, self.template_name, context, status=status)


class TemplateDeleteView(TenantRequiredMixin, View):
    def post(self, request, pk):
        template = template_for_tenant(self.tenant, pk)
        template_delete(template=template, actor=self.actor)
        messages.success(request, f"Template {template.name} deleted.")
        return redirect("emails:templates")


class TemplatePreviewView(TenantRequiredMixin, View):
    """The editor's preview (htmx, as one types): the draft sanitised as it would be saved
    and rendered with the sample values. Stores nothing, so any member may ask."""

    def check_tenant_permission(self, request) -> None:
        """A preview changes nothing: readers may see one too."""

    def post(self, request):
        form = PreviewForm(request.POST)
        if not form.is_valid():
            return render(request, "emails/_preview.html", {"form": form}, status=400)
        data = form.cleaned_data
        parts = {"subject": data["subject"], "html": data["html"], "text": data["text"]}
        values = data["variables"]
        try:
            subject, html, text = render_email(parts, values)
        except ValidationError:
            # Variables without a sample value read as [name] in the preview.
            names = variables_in(*parts.values())
            values = {**{n: f"[{n}]" for n in names if n not in values}, **values}
            subject, html, text = render_email(parts, values)
        return render(
            request, "emails/_preview.html", {"subject": subject, "html": html, "text": text}
        )
