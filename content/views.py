"""Portal pages of WhatsApp message templates: the list (search, status filter, pages), the
author page with a live WhatsApp-style preview and the lint inline (htmx), and the detail
page with the timeline, submit and "duplicate as new".

Pages are thin: reads through `content.selectors`, writes through `content.services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from content.forms import TemplateForm
from content.lint import lint
from content.rendering import render, render_buttons
from content.selectors import search_templates, template_for_tenant, timeline, versions_of
from content.services import (
    TemplateConflict,
    sync_request,
    template_create,
    template_new_version,
    template_repoll,
    template_submit,
    template_update,
)
from content.vocab import ApprovalStatus
from tenants.views import TenantRequiredMixin

PAGE_SIZE = 25


def preview_context(template) -> dict:
    findings = lint(template)
    return {
        "preview_text": render(template),
        "preview_buttons": render_buttons(template),
        "preview_media": template.media_url,
        "findings": findings,
        "error_count": sum(1 for f in findings if f.severity == "error"),
    }


class TemplateListView(TenantRequiredMixin, TemplateView):
    template_name = "content/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")[:200]
        status = self.request.GET.get("status", "")
        status = status if status in ApprovalStatus.values else ""
        found = search_templates(self.tenant, query=query, status=status)
        page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
        params = "&".join(f"{k}={v}" for k, v in (("q", query), ("status", status)) if v)
        context.update(
            page=page,
            query=query,
            status=status,
            statuses=ApprovalStatus.choices,
            filter_query=params,
        )
        return context


class TemplateSyncView(TenantRequiredMixin, View):
    write_permission = "manage"

    def post(self, request):
        sync_request(tenant=self.tenant, actor=self.actor)
        messages.success(request, "Importing the templates of your Twilio account…")
        return redirect("content:list")


def _attach(form: TemplateForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        target = {"buttons": "buttons_text", "variables": "samples_text"}.get(field, field)
        form.add_error(target if target in form.fields else None, problems)


class TemplateAuthorView(TenantRequiredMixin, TemplateView):
    """Write a new template, or edit a draft (`pk`)."""

    template_name = "content/author.html"

    def template(self):
        pk = self.kwargs.get("pk")
        return template_for_tenant(self.tenant, pk) if pk else None

    def get(self, request, *args, **kwargs):
        template = self.template()
        if template is not None and not template.is_editable:
            messages.error(request, "This template was sent to WhatsApp and is read-only.")
            return redirect("content:detail", pk=template.pk)
        initial = TemplateForm.initial_for(template) if template else None
        return self._page(TemplateForm(initial=initial), template)

    def post(self, request, *args, **kwargs):
        template = self.template()
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                if template is None:
                    template = template_create(
                        tenant=self.tenant, actor=self.actor, data=form.data_for_service()
                    )
                else:
                    template = template_update(
                        template=template, actor=self.actor, data=form.data_for_service()
                    )
            except ValidationError as err:
                _attach(form, err)
            except TemplateConflict as err:
                messages.error(request, str(err))
                return redirect("content:detail", pk=template.pk)
            else:
                messages.success(request, "Template saved as a draft.")
                return redirect("content:detail", pk=template.pk)
        return self._page(form, template, status=400)

    def _page(self, form, template, status=200):
        preview = form.unsaved(self.tenant) if form.is_bound and form.is_valid() else template
        context = self.get_context_data(form=form, template=template)
        if preview is not None:
            context.update(preview_context(preview))
        return TemplateResponse(self.request, self.template_name, context, status=status)


class TemplatePreviewView(TenantRequiredMixin, View):
    """The live preview and lint of the author form (htmx posts the form as it is typed)."""

    def check_tenant_permission(self, request) -> None:
        return None  # changes nothing: every member may preview

    def post(self, request):
        form = TemplateForm(request.POST)
        context = {"form": form}
        if form.is_valid():
            context.update(preview_context(form.unsaved(self.tenant)))
        return TemplateResponse(request, "content/_preview.html", context)


class TemplateDetailView(TenantRequiredMixin, TemplateView):
    template_name = "content/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        template = template_for_tenant(self.tenant, self.kwargs["pk"])
        context.update(
            template=template,
            events=timeline(template),
            versions=versions_of(template),
            **preview_context(template),
        )
        return context


class TemplateActionView(TenantRequiredMixin, View):
    """Submit, duplicate as new, or check the status now."""

    def post(self, request, pk, action):
        template = template_for_tenant(self.tenant, pk)
        try:
            if action == "submit":
                template_submit(template=template, actor=self.actor)
                messages.success(request, "Sent to WhatsApp for approval.")
            elif action == "duplicate":
                template = template_new_version(template=template, actor=self.actor)
                messages.success(request, f"Version {template.version} started as a draft.")
                return redirect("content:edit", pk=template.pk)
            else:
                template_repoll(template=template, actor=self.actor)
                messages.success(request, "Checking the status with Twilio…")
        except TemplateConflict as err:
            messages.error(request, str(err))
        except ValidationError as err:
            for problem in err.messages:
                messages.error(request, problem)
        return redirect("content:detail", pk=template.pk)
