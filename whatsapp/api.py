"""REST API of WhatsApp senders: list/create, fetch, verify (the code), new code."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from isvplatform.api.errors import Conflict
from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView, TenantScopedMixin
from whatsapp import services
from whatsapp.models import WhatsAppSender
from whatsapp.serializers import (
    SenderCreateSerializer,
    SenderResendSerializer,
    SenderVerifySerializer,
    WhatsAppSenderSerializer,
)

TAGS = ["WhatsApp"]


@extend_schema_view(
    get=extend_schema(
        operation_id="whatsapp_senders_list",
        summary="Your WhatsApp senders, newest first",
        responses={200: WhatsAppSenderSerializer(many=True), **error_responses()},
    ),
    post=extend_schema(
        operation_id="whatsapp_senders_create",
        summary="Connect one of your numbers to WhatsApp",
        description="Checks the display name and business profile against Meta's rules (400 "
        "naming each field), then registers the number with Twilio under your WhatsApp "
        "Business Account. WhatsApp then sends a 6-digit code to the number (by SMS or a "
        "voice call): submit it to `/verify`. Owners and admins only.",
        request=SenderCreateSerializer,
        responses={201: WhatsAppSenderSerializer, **error_responses(400)},
    ),
)
@extend_schema(tags=TAGS)
class SenderListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = WhatsAppSender
    serializer_class = WhatsAppSenderSerializer
    write_roles = MANAGE_ROLES

    def tenant_queryset(self, queryset):
        return queryset.select_related("phone_number").prefetch_related("events")

    def post(self, request, *args, **kwargs):
        serializer = SenderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        sender = services.start_onboarding(
            tenant=self.tenant,
            actor=self.actor,
            phone_number=data.pop("phone_number_id"),
            data=data,
        )
        sender.refresh_from_db()
        return Response(WhatsAppSenderSerializer(sender).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="whatsapp_senders_retrieve",
        summary="One sender: status, quality rating, messaging limit and timeline",
        responses={200: WhatsAppSenderSerializer, **error_responses(404)},
    ),
)
@extend_schema(tags=TAGS)
class SenderDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = WhatsAppSender
    serializer_class = WhatsAppSenderSerializer
    lookup_field = "id"

    def tenant_queryset(self, queryset):
        return queryset.select_related("phone_number").prefetch_related("events")


class _SenderActionView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = WhatsAppSender
    serializer_class = WhatsAppSenderSerializer
    lookup_field = "id"
    write_roles = MANAGE_ROLES

    def tenant_queryset(self, queryset):
        return queryset.select_related("phone_number", "tenant")

    def answer(self, sender: WhatsAppSender) -> Response:
        sender = self.get_queryset().prefetch_related("events").get(pk=sender.pk)
        return Response(WhatsAppSenderSerializer(sender).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    post=extend_schema(
        operation_id="whatsapp_senders_verify",
        summary="Submit the verification code WhatsApp sent to the number",
        description="Only while the sender waits for its code (409 otherwise). The code goes to "
        "Twilio at once; a wrong code leaves the sender waiting, with `last_error_message` "
        "saying so.",
        request=SenderVerifySerializer,
        responses={202: WhatsAppSenderSerializer, **error_responses(400, 404, 409)},
    )
)
@extend_schema(tags=TAGS)
class SenderVerifyView(_SenderActionView):
    def post(self, request, *args, **kwargs):
        sender = self.get_object()
        serializer = SenderVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.submit_code(
                sender=sender, actor=self.actor, code=serializer.validated_data["code"]
            )
        except services.SenderConflict as err:
            raise Conflict(str(err)) from err
        return self.answer(sender)


@extend_schema_view(
    post=extend_schema(
        operation_id="whatsapp_senders_resend_code",
        summary="Have WhatsApp send a new code, by SMS or a voice call",
        request=SenderResendSerializer,
        responses={202: WhatsAppSenderSerializer, **error_responses(400, 404, 409)},
    )
)
@extend_schema(tags=TAGS)
class SenderResendView(_SenderActionView):
    def post(self, request, *args, **kwargs):
        sender = self.get_object()
        serializer = SenderResendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.request_new_code(
                sender=sender, actor=self.actor, method=serializer.validated_data["method"]
            )
        except services.SenderConflict as err:
            raise Conflict(str(err)) from err
        return self.answer(sender)
