"""REST API of broadcasts (/api/v1/broadcasts): drafts, the lifecycle actions, progress,
the per-recipient preview, recipients and the tenant's safety thresholds.

Views only route: scoping and roles come from the base views, rules from the services
(which answer 400 naming the field, or 409 when the status doesn't allow the move). The
event stream (`/events`) is served by the live app."""

from collections.abc import Iterator
from contextlib import contextmanager

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from broadcasts.models import Broadcast, BroadcastStatus, RecipientStatus
from broadcasts.progress import progress_data
from broadcasts.selectors import recipients_of
from broadcasts.serializers import (
    BroadcastInputSerializer,
    BroadcastPreviewSerializer,
    BroadcastProgressSerializer,
    BroadcastRecipientSerializer,
    BroadcastSerializer,
    BroadcastSettingsSerializer,
)
from broadcasts.services import drafts, lifecycle, safety
from broadcasts.services.common import BroadcastConflict
from isvplatform.api.errors import Conflict
from isvplatform.api.pagination import CursorPagination
from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView, TenantScopedMixin

TAGS = ["broadcasts"]


@contextmanager
def conflicts_as_409() -> Iterator[None]:
    """A move or edit the broadcast's status refuses answers 409 with the reason."""
    try:
        yield
    except BroadcastConflict as err:
        raise Conflict(str(err)) from err


class RecipientPagination(CursorPagination):
    ordering = ("id",)


class BroadcastListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = Broadcast
    serializer_class = BroadcastSerializer

    def tenant_queryset(self, queryset):
        wanted = self.request.query_params.get("status", "")
        return queryset.filter(status=wanted) if wanted in BroadcastStatus.values else queryset

    @extend_schema(
        operation_id="broadcasts_list",
        tags=TAGS,
        summary="Your broadcasts, newest first",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=BroadcastStatus.values)],
        responses={200: BroadcastSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="broadcasts_create",
        tags=TAGS,
        summary="Write a broadcast (a draft)",
        description="Checked whole: an audience of yours, a text whose variables exist (or an "
        "approved WhatsApp template and its variables), a sender of yours, a time in the "
        "future or none. Send it with /send.",
        request=BroadcastInputSerializer,
        responses={201: BroadcastSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        serializer = BroadcastInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        broadcast = drafts.broadcast_create(
            tenant=self.tenant, actor=self.actor, **serializer.validated_data
        )
        return Response(BroadcastSerializer(broadcast).data, status=status.HTTP_201_CREATED)


class _BroadcastView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = Broadcast
    serializer_class = BroadcastSerializer
    lookup_url_kwarg = "id"


class BroadcastDetailView(_BroadcastView):
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(
        operation_id="broadcasts_retrieve",
        tags=TAGS,
        summary="One broadcast with its counters",
        responses={200: BroadcastSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return Response(BroadcastSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="broadcasts_partial_update",
        tags=TAGS,
        summary="Edit a draft or scheduled broadcast",
        description="409 once it is sending, paused or finished. A scheduled broadcast whose "
        "`scheduled_at` is set to null goes back to draft.",
        request=BroadcastInputSerializer(partial=True),
        responses={200: BroadcastSerializer, **error_responses(400, 404, 409)},
    )
    def patch(self, request, *args, **kwargs):
        broadcast = self.get_object()
        serializer = BroadcastInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with conflicts_as_409():
            broadcast = drafts.broadcast_update(
                broadcast, actor=self.actor, **serializer.validated_data
            )
        return Response(BroadcastSerializer(broadcast).data)

    @extend_schema(
        operation_id="broadcasts_destroy",
        tags=TAGS,
        summary="Delete a draft",
        description="409 for a broadcast that was scheduled or sent: cancel it instead.",
        responses={204: None, **error_responses(404, 409)},
    )
    def delete(self, request, *args, **kwargs):
        with conflicts_as_409():
            drafts.broadcast_delete(self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _action_schema(operation: str, summary: str, description: str):
    return extend_schema(
        operation_id=f"broadcasts_{operation}",
        tags=TAGS,
        summary=summary,
        description=description,
        request=None,
        responses={200: BroadcastSerializer, **error_responses(400, 404, 409)},
    )


class BroadcastSendView(_BroadcastView):
    @_action_schema(
        "send",
        "Launch: send now, or at its scheduled time",
        "Materialises the recipients (opted-out numbers, contacts without marketing consent "
        "and duplicates left out) and starts sending, or schedules it when `scheduled_at` is "
        "in the future. Idempotent: a second call answers the same broadcast and adds no "
        "recipient. 400 naming the field when it can't go out as it stands; 409 when "
        "cancelled.",
    )
    def post(self, request, *args, **kwargs):
        with conflicts_as_409():
            broadcast = lifecycle.broadcast_launch(self.get_object(), self.actor)
        return Response(BroadcastSerializer(broadcast).data)


class BroadcastPauseView(_BroadcastView):
    @_action_schema(
        "pause", "Pause sending", "Takes effect after the batch in flight; 409 unless sending."
    )
    def post(self, request, *args, **kwargs):
        with conflicts_as_409():
            broadcast = lifecycle.broadcast_pause(self.get_object(), self.actor)
        return Response(BroadcastSerializer(broadcast).data)


class BroadcastResumeView(_BroadcastView):
    @_action_schema(
        "resume", "Resume a paused broadcast", "Continues with the recipients still waiting."
    )
    def post(self, request, *args, **kwargs):
        with conflicts_as_409():
            broadcast = lifecycle.broadcast_resume(self.get_object(), self.actor)
        return Response(BroadcastSerializer(broadcast).data)


class BroadcastCancelView(_BroadcastView):
    @_action_schema(
        "cancel",
        "Cancel for good",
        "Recipients still waiting are cancelled; messages already handed out go on. 409 when "
        "completed or cancelled.",
    )
    def post(self, request, *args, **kwargs):
        with conflicts_as_409():
            broadcast = lifecycle.broadcast_cancel(self.get_object(), self.actor)
        return Response(BroadcastSerializer(broadcast).data)


class BroadcastStatusView(_BroadcastView):
    serializer_class = BroadcastProgressSerializer

    @extend_schema(
        operation_id="broadcasts_status",
        tags=TAGS,
        summary="Progress: the counters and the failure reasons",
        description="Read from counters kept current as recipients are sent and callbacks "
        "come in (never counted per request).",
        responses={200: BroadcastProgressSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return Response(BroadcastProgressSerializer(progress_data(self.get_object())).data)


class BroadcastPreviewView(_BroadcastView):
    serializer_class = BroadcastPreviewSerializer

    @extend_schema(
        operation_id="broadcasts_preview",
        tags=TAGS,
        summary="What the first recipients would receive",
        description="The text rendered for the first contacts the broadcast may message "
        "(opted-out numbers and contacts without consent left out). Changes nothing.",
        parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT, description="How many (1-50, default 5).")
        ],
        responses={200: BroadcastPreviewSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        broadcast = self.get_object()
        raw = request.query_params.get("limit", "")
        limit = int(raw) if raw.isdigit() and 0 < int(raw) <= 50 else drafts.PREVIEW_SIZE
        data = {
            "audience_size": drafts.audience_size(broadcast),
            "recipients": drafts.broadcast_preview(broadcast, limit=limit),
        }
        return Response(BroadcastPreviewSerializer(data).data)


class BroadcastRecipientsView(_BroadcastView):
    serializer_class = BroadcastRecipientSerializer
    pagination_class = RecipientPagination

    @extend_schema(
        operation_id="broadcasts_recipients",
        tags=TAGS,
        summary="A broadcast's recipients, in sending order",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=RecipientStatus.values)],
        responses={200: BroadcastRecipientSerializer(many=True), **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        wanted = request.query_params.get("status", "")
        found = recipients_of(
            self.get_object(), status=wanted if wanted in RecipientStatus.values else ""
        )
        page = self.paginate_queryset(found)
        return self.get_paginated_response(BroadcastRecipientSerializer(page, many=True).data)


class BroadcastSettingsView(TenantAPIView):
    write_roles = MANAGE_ROLES
    serializer_class = BroadcastSettingsSerializer

    @extend_schema(
        operation_id="broadcasts_settings_retrieve",
        tags=TAGS,
        summary="The thresholds at which a running broadcast pauses itself",
        responses={200: BroadcastSettingsSerializer, **error_responses()},
    )
    def get(self, request):
        return Response(BroadcastSettingsSerializer(safety.settings_for(self.tenant)).data)

    @extend_schema(
        operation_id="broadcasts_settings_update",
        tags=TAGS,
        summary="Change the thresholds",
        description="Owners and admins only. The rates are shares (0.02 = 2%).",
        request=BroadcastSettingsSerializer(partial=True),
        responses={200: BroadcastSettingsSerializer, **error_responses(400)},
    )
    def patch(self, request):
        serializer = BroadcastSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        current = safety.settings_update(
            tenant=self.tenant, actor=self.actor, **serializer.validated_data
        )
        return Response(BroadcastSettingsSerializer(current).data)
