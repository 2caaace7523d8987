"""REST API of audiences (/api/v1/audiences): static lists and saved filters, their live
count, and a static list's members."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from contacts.models import Audience, Contact
from contacts.selectors import audience_count, search_contacts
from contacts.serializers import (
    AudienceCountSerializer,
    AudienceDetailSerializer,
    AudienceInputSerializer,
    AudienceSerializer,
    AudienceUpdateSerializer,
    MembersInputSerializer,
    MembersRemoveSerializer,
    MembersResultSerializer,
)
from contacts.services import (
    AudienceInUse,
    audience_create,
    audience_delete,
    audience_update,
    members_add,
    members_remove,
)
from isvplatform.api.errors import Conflict
from isvplatform.api.schema import error_responses
from isvplatform.api.views import TenantAPIView, TenantScopedMixin

TAGS = ["audiences"]
FILTER_HELP = (
    "A saved filter's conditions all hold. `fields` compare custom fields: text `eq ne "
    "contains`, number `eq ne gt lt gte lte`, date `eq ne before after gt lt gte lte` (ISO "
    "dates); `consent` needs an opt-in per channel; `last_activity` is `within_days` or "
    "`older_than_days` (never active counts as older); `has` needs the addresses filled in."
)


def detail(audience: Audience) -> dict:
    audience.count = audience_count(audience)
    return AudienceDetailSerializer(audience).data


def _body(request) -> dict:
    """The raw body (the services check every filter key, unknown ones included)."""
    return request.data if isinstance(request.data, dict) else {}


class AudienceListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = Audience
    serializer_class = AudienceSerializer

    @extend_schema(
        operation_id="audiences_list",
        tags=TAGS,
        summary="Your audiences",
        description="Without counts (one audience's count is at /audiences/{id}).",
        responses={200: AudienceSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="audiences_create",
        tags=TAGS,
        summary="Create an audience",
        description="A static list (`kind=static`, add members after) or a saved filter. "
        + FILTER_HELP,
        request=AudienceInputSerializer,
        responses={201: AudienceDetailSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        serializer = AudienceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {**serializer.validated_data}
        if "filter" in data:
            data["filter"] = _body(request).get("filter")
        audience = audience_create(tenant=self.tenant, actor=self.actor, data=data)
        return Response(detail(audience), status=status.HTTP_201_CREATED)


class AudienceDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = Audience
    serializer_class = AudienceDetailSerializer
    lookup_url_kwarg = "id"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(
        operation_id="audiences_retrieve",
        tags=TAGS,
        summary="One audience, with its live count",
        responses={200: AudienceDetailSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return Response(detail(self.get_object()))

    @extend_schema(
        operation_id="audiences_partial_update",
        tags=TAGS,
        summary="Rename an audience or change its filter",
        description=FILTER_HELP,
        request=AudienceUpdateSerializer,
        responses={200: AudienceDetailSerializer, **error_responses(400, 404)},
    )
    def patch(self, request, *args, **kwargs):
        audience = self.get_object()
        serializer = AudienceUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {**serializer.validated_data}
        if "filter" in data:
            data["filter"] = _body(request).get("filter")
        audience = audience_update(audience=audience, actor=self.actor, data=data)
        return Response(detail(audience))

    @extend_schema(
        operation_id="audiences_destroy",
        tags=TAGS,
        summary="Delete an audience",
        description="409 when a broadcast uses it.",
        responses={204: None, **error_responses(404, 409)},
    )
    def delete(self, request, *args, **kwargs):
        try:
            audience_delete(audience=self.get_object(), actor=self.actor)
        except AudienceInUse as err:
            raise Conflict(str(err)) from err
        return Response(status=status.HTTP_204_NO_CONTENT)


class _AudienceActionView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = Audience
    serializer_class = AudienceDetailSerializer
    lookup_url_kwarg = "id"


class AudienceCountView(_AudienceActionView):
    serializer_class = AudienceCountSerializer

    @extend_schema(
        operation_id="audiences_count",
        tags=TAGS,
        summary="How many contacts the audience holds now",
        responses={200: AudienceCountSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return Response({"count": audience_count(self.get_object())})


class AudienceMembersAddView(_AudienceActionView):
    serializer_class = MembersResultSerializer

    @extend_schema(
        operation_id="audiences_members_add",
        tags=TAGS,
        summary="Add contacts to a static list",
        description="By id (`contact_ids`), or every contact a search (`q`) and/or `tag` "
        "finds. Contacts already on it are skipped; ids not of your contacts are ignored. "
        "400 for a saved filter.",
        request=MembersInputSerializer,
        responses={200: MembersResultSerializer, **error_responses(400, 404)},
    )
    def post(self, request, *args, **kwargs):
        audience = self.get_object()
        serializer = MembersInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        contacts = Contact.objects.for_tenant(self.tenant)
        if data.get("contact_ids") is not None:
            contacts = contacts.filter(pk__in=data["contact_ids"])
        elif data.get("q") or data.get("tag"):
            contacts = search_contacts(contacts, query=data.get("q", ""), tag=data.get("tag", ""))
        else:
            raise ValidationError({"contact_ids": ["Give contact_ids, q or tag."]})
        added = members_add(audience=audience, actor=self.actor, contacts=contacts)
        return Response({"changed": added, "count": audience_count(audience)})


class AudienceMembersRemoveView(_AudienceActionView):
    serializer_class = MembersResultSerializer

    @extend_schema(
        operation_id="audiences_members_remove",
        tags=TAGS,
        summary="Take contacts off a static list",
        request=MembersRemoveSerializer,
        responses={200: MembersResultSerializer, **error_responses(400, 404)},
    )
    def post(self, request, *args, **kwargs):
        audience = self.get_object()
        serializer = MembersRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        removed = members_remove(
            audience=audience,
            actor=self.actor,
            contact_ids=serializer.validated_data["contact_ids"],
        )
        return Response({"changed": removed, "count": audience_count(audience)})
