"""REST API of contacts and custom fields (/api/v1/contacts, /api/v1/contact-fields).

Views only route: scoping and roles come from the base views, rules from the services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from contacts import exports
from contacts.models import Contact, ContactField
from contacts.selectors import audience_for_tenant, contact_list, with_opt_outs
from contacts.serializers import (
    ContactFieldInputSerializer,
    ContactFieldSerializer,
    ContactFieldUpdateSerializer,
    ContactInputSerializer,
    ContactSerializer,
)
from contacts.services import (
    contact_create,
    contact_delete,
    contact_update,
    field_create,
    field_delete,
    field_update,
)
from isvplatform.api.schema import error_responses
from isvplatform.api.views import TenantAPIView, TenantScopedMixin

TAGS = ["contacts"]
LIST_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Part of the name, phone or email."),
    OpenApiParameter("tag", OpenApiTypes.STR, description="Only contacts with this tag."),
    OpenApiParameter("audience", OpenApiTypes.UUID, description="Only this audience's."),
]


def filtered_contacts(view) -> object:
    """The request's contacts, searched (`q`), by `tag`, within an `audience` (404 if not
    the tenant's)."""
    params = view.request.query_params
    audience_id = params.get("audience", "")
    audience = audience_for_tenant(view.tenant, audience_id) if audience_id else None
    return contact_list(
        view.tenant, query=params.get("q", "")[:200], tag=params.get("tag", ""), audience=audience
    )


class ContactListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = Contact
    serializer_class = ContactSerializer

    def tenant_queryset(self, queryset):
        return filtered_contacts(self)

    @extend_schema(
        operation_id="contacts_list",
        tags=TAGS,
        summary="Your contacts, newest first",
        parameters=LIST_PARAMETERS,
        responses={200: ContactSerializer(many=True), **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="contacts_create",
        tags=TAGS,
        summary="Add a contact",
        description="The phone is stored as E.164 and is unique among your contacts (400 on "
        "`phone` for a duplicate). Time zone and US state come from the number unless "
        "`time_zone` is given. Opt-ins in `consent` are recorded with their source in the "
        "contact and the consent ledger.",
        request=ContactInputSerializer,
        responses={201: ContactSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        serializer = ContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = contact_create(tenant=self.tenant, actor=self.actor, data=request.data)
        contact = with_opt_outs(Contact.objects.for_tenant(self.tenant)).get(pk=contact.pk)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = Contact
    serializer_class = ContactSerializer
    lookup_url_kwarg = "id"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def tenant_queryset(self, queryset):
        return with_opt_outs(queryset)

    @extend_schema(
        operation_id="contacts_retrieve",
        tags=TAGS,
        summary="One contact",
        responses={200: ContactSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="contacts_partial_update",
        tags=TAGS,
        summary="Change a contact",
        description="Only the attributes given change; `fields` merge (null removes one); a "
        "blank `time_zone` goes back to the number's.",
        request=ContactInputSerializer,
        responses={200: ContactSerializer, **error_responses(400, 404)},
    )
    def patch(self, request, *args, **kwargs):
        contact = self.get_object()
        serializer = ContactInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        contact_update(contact=contact, actor=self.actor, data=request.data)
        return Response(ContactSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="contacts_destroy",
        tags=TAGS,
        summary="Delete a contact",
        description="Its opt-outs and consent ledger entries stay (they are by number).",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, *args, **kwargs):
        contact_delete(contact=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContactExportView(TenantAPIView):
    @extend_schema(
        operation_id="contacts_export",
        tags=TAGS,
        summary="Export contacts as CSV",
        description="The columns the import reads back (custom fields as `field:<key>`).",
        parameters=LIST_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(404)},
    )
    def get(self, request):
        fields = ContactField.objects.for_tenant(self.tenant)
        return exports.contacts_csv(filtered_contacts(self), fields)


class ContactFieldListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = ContactField
    serializer_class = ContactFieldSerializer

    @extend_schema(
        operation_id="contact_fields_list",
        tags=TAGS,
        summary="Your custom contact fields",
        responses={200: ContactFieldSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="contact_fields_create",
        tags=TAGS,
        summary="Define a custom field",
        description="Values are checked by type: numbers, ISO dates (YYYY-MM-DD) or text.",
        request=ContactFieldInputSerializer,
        responses={201: ContactFieldSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        serializer = ContactFieldInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = field_create(tenant=self.tenant, actor=self.actor, **serializer.validated_data)
        return Response(ContactFieldSerializer(field).data, status=status.HTTP_201_CREATED)


class ContactFieldDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = ContactField
    serializer_class = ContactFieldSerializer
    lookup_url_kwarg = "id"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(
        operation_id="contact_fields_retrieve",
        tags=TAGS,
        summary="One custom field",
        responses={200: ContactFieldSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="contact_fields_partial_update",
        tags=TAGS,
        summary="Rename a custom field (or change its type while no contact has a value)",
        request=ContactFieldUpdateSerializer,
        responses={200: ContactFieldSerializer, **error_responses(400, 404)},
    )
    def patch(self, request, *args, **kwargs):
        field = self.get_object()
        serializer = ContactFieldUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = field_update(field=field, actor=self.actor, **serializer.validated_data)
        return Response(ContactFieldSerializer(field).data)

    @extend_schema(
        operation_id="contact_fields_destroy",
        tags=TAGS,
        summary="Delete a custom field",
        description="Saved filters that name it then match no one.",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, *args, **kwargs):
        field_delete(field=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
