"""REST API of WhatsApp message templates (/api/v1/templates).

Views only route: scoping and roles come from the base views, rules from the lint and the
services (which write the audit rows and the timeline)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from content.models import MessageTemplate
from content.selectors import filter_templates
from content.serializers import (
    PreviewInputSerializer,
    PreviewSerializer,
    SyncResultSerializer,
    TemplateInputSerializer,
    TemplateSerializer,
    TemplateStatusSerializer,
    preview_data,
)
from content.services import (
    TemplateConflict,
    sync_request,
    template_create,
    template_delete,
    template_new_version,
    template_submit,
    template_update,
)
from content.vocab import ApprovalStatus, Category
from isvplatform.api.errors import Conflict
from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView, TenantScopedMixin

TAGS = ["templates"]


class TemplateListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = MessageTemplate
    serializer_class = TemplateSerializer

    def tenant_queryset(self, queryset):
        params = self.request.query_params
        status_ = params.get("status", "")
        category = params.get("category", "")
        return filter_templates(
            queryset,
            query=params.get("q", "")[:200],
            status=status_ if status_ in ApprovalStatus.values else "",
            category=category if category in Category.values else "",
        )

    @extend_schema(
        operation_id="templates_list",
        tags=TAGS,
        summary="Your WhatsApp message templates, every version",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of the name or body."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ApprovalStatus.values),
            OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values),
        ],
        responses={200: TemplateSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="templates_create",
        tags=TAGS,
        summary="Write a template (a draft)",
        description="Saved as a draft whatever the lint finds; `findings` lists what WhatsApp "
        "would reject (errors) and hints (warnings). Submit it when the errors are fixed.",
        request=TemplateInputSerializer,
        responses={201: TemplateSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        serializer = TemplateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = template_create(
            tenant=self.tenant, actor=self.actor, data=dict(serializer.validated_data)
        )
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = MessageTemplate
    serializer_class = TemplateSerializer
    lookup_url_kwarg = "id"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(
        operation_id="templates_retrieve",
        tags=TAGS,
        summary="One template version",
        responses={200: TemplateSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="templates_partial_update",
        tags=TAGS,
        summary="Edit a draft",
        description="Only drafts change: 409 for a template sent to WhatsApp (an approved one "
        "is duplicated as a new version, a rejected one resubmitted as a new version).",
        request=TemplateInputSerializer(partial=True),
        responses={200: TemplateSerializer, **error_responses(400, 404, 409)},
    )
    def patch(self, request, *args, **kwargs):
        template = self.get_object()
        serializer = TemplateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            template = template_update(
                template=template, actor=self.actor, data=dict(serializer.validated_data)
            )
        except TemplateConflict as err:
            raise Conflict(str(err)) from err
        return Response(TemplateSerializer(template).data)

    @extend_schema(
        operation_id="templates_destroy",
        tags=TAGS,
        summary="Delete a draft",
        description="409 for a template sent to WhatsApp: it keeps its history.",
        responses={204: None, **error_responses(404, 409)},
    )
    def delete(self, request, *args, **kwargs):
        try:
            template_delete(template=self.get_object(), actor=self.actor)
        except TemplateConflict as err:
            raise Conflict(str(err)) from err
        return Response(status=status.HTTP_204_NO_CONTENT)


class _TemplateActionView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = MessageTemplate
    serializer_class = TemplateSerializer
    lookup_url_kwarg = "id"


class TemplateSubmitView(_TemplateActionView):
    @extend_schema(
        operation_id="templates_submit",
        tags=TAGS,
        summary="Submit a draft to WhatsApp for approval",
        description="Runs the lint (400 with `error.fields` naming each field; nothing goes to "
        "Twilio), then queues the Content and its WhatsApp approval request in your "
        "subaccount: 202, status `submitting`. Follow it at /status or the `template.status` "
        "webhook event. 409 unless the template is a draft.",
        request=None,
        responses={202: TemplateSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, *args, **kwargs):
        try:
            template = template_submit(template=self.get_object(), actor=self.actor)
        except TemplateConflict as err:
            raise Conflict(str(err)) from err
        return Response(TemplateSerializer(template).data, status=status.HTTP_202_ACCEPTED)


class TemplateDuplicateView(_TemplateActionView):
    @extend_schema(
        operation_id="templates_duplicate",
        tags=TAGS,
        summary="Start the next version (duplicate as new)",
        description="A draft copy of a template sent to WhatsApp, as its next version; the "
        "original stays read-only. 409 for a draft (edit it instead) or when a newer version "
        "exists.",
        request=None,
        responses={201: TemplateSerializer, **error_responses(404, 409)},
    )
    def post(self, request, *args, **kwargs):
        try:
            template = template_new_version(template=self.get_object(), actor=self.actor)
        except TemplateConflict as err:
            raise Conflict(str(err)) from err
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateStatusView(_TemplateActionView):
    serializer_class = TemplateStatusSerializer

    @extend_schema(
        operation_id="templates_status",
        tags=TAGS,
        summary="A template's approval status and timeline",
        responses={200: TemplateStatusSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return Response(TemplateStatusSerializer(self.get_object()).data)


class TemplatePreviewView(_TemplateActionView):
    serializer_class = PreviewSerializer

    @extend_schema(
        operation_id="templates_preview",
        tags=TAGS,
        summary="The message as the customer reads it",
        description="Filled in with the `variables` given, the samples for the rest; with the "
        "lint's findings. Changes nothing.",
        request=PreviewInputSerializer,
        responses={200: PreviewSerializer, **error_responses(400, 404)},
    )
    def post(self, request, *args, **kwargs):
        template = self.get_object()
        serializer = PreviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = preview_data(template, serializer.validated_data["variables"])
        return Response(PreviewSerializer(data).data)


class TemplateSyncView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="templates_sync",
        tags=TAGS,
        summary="Import the templates made in Twilio's console",
        description="Queues an import of your subaccount's Content and WhatsApp approvals: "
        "new ones become templates, known ones take Twilio's status. Owners and admins only.",
        request=None,
        responses={202: SyncResultSerializer, **error_responses()},
    )
    def post(self, request):
        sync_request(tenant=self.tenant, actor=self.actor)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)
