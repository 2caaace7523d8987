"""Portal pages of audiences: the list, the editor of a saved filter with its live count
(htmx asks `count/` as the conditions change), a static list's members."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from contacts.filters import compile_filter, validate_filter
from contacts.forms import AudienceForm, attach_errors
from contacts.models import Audience, Contact, ContactField
from contacts.selectors import (
    audience_contacts,
    audience_count,
    audience_for_tenant,
    search_contacts,
)
from contacts.services import (
    AudienceInUse,
    audience_create,
    audience_delete,
    audience_update,
    members_add,
    members_remove,
)
from tenants.views import TenantRequiredMixin

PAGE_SIZE = 25


class AudienceListView(TenantRequiredMixin, TemplateView):
    template_name = "contacts/audiences.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = Audience.objects.for_tenant(self.tenant)
        page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
        for audience in page.object_list:
            audience.count = audience_count(audience)
        context["page"] = page
        return context


def _form(tenant, data=None, initial=None) -> AudienceForm:
    return AudienceForm(
        data, initial=initial, custom_fields=ContactField.objects.for_tenant(tenant)
    )


class AudienceEditView(TenantRequiredMixin, TemplateView):
    """A new audience, or one audience (`pk`): its filter or its members."""

    template_name = "contacts/audience_edit.html"

    def audience(self):
        pk = self.kwargs.get("pk")
        return audience_for_tenant(self.tenant, pk) if pk else None

    def get(self, request, *args, **kwargs):
        audience = self.audience()
        initial = AudienceForm.initial_for(audience) if audience else None
        return self._page(_form(self.tenant, initial=initial), audience)

    def post(self, request, *args, **kwargs):
        audience = self.audience()
        form = _form(self.tenant, request.POST)
        if form.is_valid():
            data = form.data_for_service()
            try:
                if audience is None:
                    audience = audience_create(tenant=self.tenant, actor=self.actor, data=data)
                else:
                    data.pop("kind")
                    if audience.kind == Audience.Kind.STATIC:
                        data.pop("filter", None)
                    audience_update(audience=audience, actor=self.actor, data=data)
            except ValidationError as err:
                attach_errors(form, err, form.service_aliases)
            else:
                messages.success(request, "Audience saved.")
                return redirect("contacts:audience", pk=audience.pk)
        return self._page(form, audience, status=400)

    def _page(self, form, audience, status=200):
        is_static = audience is not None and audience.kind == Audience.Kind.STATIC
        context = self.get_context_data(form=form, audience=audience, is_static=is_static)
        if audience is not None:
            context["count"] = audience_count(audience)
            if is_static:
                members = audience_contacts(audience).order_by("first_name", "last_name", "pk")
                context["members"] = Paginator(members, 50).get_page(self.request.GET.get("page"))
        return TemplateResponse(self.request, self.template_name, context, status=status)


class AudienceCountView(TenantRequiredMixin, View):
    """The live count of the filter being edited (nothing is saved)."""

    def get(self, request):
        data = request.GET.copy()
        # Only the conditions count: the name may still be blank while they are edited.
        data["name"], data["kind"] = "count", Audience.Kind.FILTER
        form = _form(self.tenant, data)
        context = {"count": None, "problems": []}
        if form.is_valid():
            try:
                cleaned = validate_filter(self.tenant, form.filter_data())
            except ValidationError as err:
                context["problems"] = [m for ms in err.message_dict.values() for m in ms]
            else:
                found = Contact.objects.for_tenant(self.tenant)
                context["count"] = found.filter(compile_filter(self.tenant, cleaned)).count()
        else:
            context["problems"] = [m for ms in form.errors.values() for m in ms]
        return TemplateResponse(request, "contacts/_audience_count.html", context)


class AudienceMembersView(TenantRequiredMixin, View):
    """Add to a static list (every contact with a tag or found by a search), or remove one."""

    def post(self, request, pk):
        audience = audience_for_tenant(self.tenant, pk)
        try:
            if request.POST.get("remove"):
                members_remove(
                    audience=audience, actor=self.actor, contact_ids=[request.POST["remove"]]
                )
                messages.success(request, "Contact taken off the list.")
            else:
                query = request.POST.get("q", "")[:200]
                tag = request.POST.get("tag", "")[:50]
                if not (query or tag):
                    messages.error(request, "Give a tag or a search to add contacts by.")
                    return redirect("contacts:audience", pk=pk)
                contacts = search_contacts(
                    Contact.objects.for_tenant(self.tenant), query=query, tag=tag
                )
                added = members_add(audience=audience, actor=self.actor, contacts=contacts)
                messages.success(request, f"{added} contact(s) added.")
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        return redirect("contacts:audience", pk=pk)


class AudienceDeleteView(TenantRequiredMixin, View):
    def post(self, request, pk):
        try:
            audience_delete(audience=audience_for_tenant(self.tenant, pk), actor=self.actor)
        except AudienceInUse as err:
            messages.error(request, str(err))
            return redirect("contacts:audience", pk=pk)
        messages.success(request, "Audience deleted.")
        return redirect("contacts:audiences")
