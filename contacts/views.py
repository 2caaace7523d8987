"""Portal pages of the contact book: the contacts list (search, tag, pages), a contact's
page (edit, consent, opt-out state), custom fields, and the CSV export.

Pages are thin: reads through `contacts.selectors`, writes through `contacts.services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from contacts import exports
from contacts.forms import ContactForm, FieldForm, attach_errors
from contacts.models import Contact, ContactField
from contacts.selectors import (
    contact_for_tenant,
    contact_list,
    field_for_tenant,
    with_opt_outs,
)
from contacts.services import (
    contact_create,
    contact_delete,
    contact_update,
    field_create,
    field_delete,
)
from tenants.views import TenantRequiredMixin

PAGE_SIZE = 50


def list_params(request) -> tuple[str, str]:
    return request.GET.get("q", "")[:200], request.GET.get("tag", "")[:50]


class ContactListView(TenantRequiredMixin, TemplateView):
    template_name = "contacts/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query, tag = list_params(self.request)
        found = contact_list(self.tenant, query=query, tag=tag)
        page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
        params = "&".join(f"{k}={v}" for k, v in (("q", query), ("tag", tag)) if v)
        context.update(page=page, query=query, tag=tag, filter_query=params)
        return context


class ContactExportView(TenantRequiredMixin, View):
    def get(self, request):
        query, tag = list_params(request)
        return exports.contacts_csv(
            contact_list(self.tenant, query=query, tag=tag),
            ContactField.objects.for_tenant(self.tenant),
        )


class ContactEditView(TenantRequiredMixin, TemplateView):
    """A new contact, or one contact's page (`pk`) with its consent and opt-out state."""

    template_name = "contacts/edit.html"

    def contact(self):
        pk = self.kwargs.get("pk")
        if not pk:
            return None
        found = contact_for_tenant(self.tenant, pk)
        return with_opt_outs(Contact.objects.for_tenant(self.tenant)).get(pk=found.pk)

    def custom_fields(self):
        return list(ContactField.objects.for_tenant(self.tenant))

    def get(self, request, *args, **kwargs):
        contact = self.contact()
        initial = ContactForm.initial_for(contact) if contact else None
        form = ContactForm(initial=initial, custom_fields=self.custom_fields())
        return self._page(form, contact)

    def post(self, request, *args, **kwargs):
        contact = self.contact()
        form = ContactForm(request.POST, custom_fields=self.custom_fields())
        if form.is_valid():
            try:
                if contact is None:
                    contact = contact_create(
                        tenant=self.tenant, actor=self.actor, data=form.data_for_service()
                    )
                else:
                    contact_update(contact=contact, actor=self.actor, data=form.data_for_service())
            except ValidationError as err:
                attach_errors(form, err, form.service_aliases)
            else:
                messages.success(request, "Contact saved.")
                return redirect("contacts:edit", pk=contact.pk)
        return self._page(form, contact, status=400)

    def _page(self, form, contact, status=200):
        context = self.get_context_data(form=form, contact=contact)
        return TemplateResponse(self.request, self.template_name, context, status=status)


class ContactDeleteView(TenantRequiredMixin, View):
    def post(self, request, pk):
        contact_delete(contact=contact_for_tenant(self.tenant, pk), actor=self.actor)
        messages.success(request, "Contact deleted.")
        return redirect("contacts:list")


class FieldListView(TenantRequiredMixin, TemplateView):
    template_name = "contacts/fields.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", FieldForm())
        context["fields"] = ContactField.objects.for_tenant(self.tenant)
        return context

    def post(self, request):
        form = FieldForm(request.POST)
        if form.is_valid():
            try:
                field_create(tenant=self.tenant, actor=self.actor, **form.cleaned_data)
            except ValidationError as err:
                attach_errors(form, err)
            else:
                messages.success(request, "Field added.")
                return redirect("contacts:fields")
        context = self.get_context_data(form=form)
        return TemplateResponse(request, self.template_name, context, status=400)


class FieldDeleteView(TenantRequiredMixin, View):
    def post(self, request, pk):
        field_delete(field=field_for_tenant(self.tenant, pk), actor=self.actor)
        messages.success(request, "Field deleted.")
        return redirect("contacts:fields")
