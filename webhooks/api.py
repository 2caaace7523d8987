"""REST API of tenant webhooks: endpoints, their deliveries, test events and redelivery."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView, TenantScopedMixin
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.serializers import (
    DeliveryDetailSerializer,
    DeliverySerializer,
    EndpointCreateSerializer,
    EndpointSerializer,
    EndpointUpdateSerializer,
    EndpointWithSecretSerializer,
)
from webhooks.services import (
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_update,
    redeliver,
    send_test_event,
)


@extend_schema(tags=["webhooks"])
class EndpointListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = WebhookEndpoint
    serializer_class = EndpointSerializer
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="webhook_endpoints_list",
        summary="Your webhook endpoints",
        responses={200: EndpointSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="webhook_endpoints_create",
        summary="Register a webhook endpoint",
        description="Events are posted as JSON with `X-ISV-Timestamp` and `X-ISV-Signature: "
        "v1=<hex HMAC-SHA256 of '{timestamp}.{body}' keyed with the secret>`. The secret is "
        "in this response only.",
        request=EndpointCreateSerializer,
        responses={201: EndpointWithSecretSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        serializer = EndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint = endpoint_create(
            tenant=self.tenant,
            url=data["url"],
            event_types=data["event_types"],
            description=data.get("description", ""),
            secret=data.get("secret", ""),
            actor=self.actor,
        )
        body = EndpointWithSecretSerializer(endpoint, context={"secret": endpoint.secret.reveal()})
        return Response(body.data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["webhooks"])
class EndpointDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveDestroyAPIView):
    model = WebhookEndpoint
    serializer_class = EndpointSerializer
    lookup_url_kwarg = "id"
    write_roles = MANAGE_ROLES
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(
        operation_id="webhook_endpoints_retrieve",
        summary="One webhook endpoint",
        responses={200: EndpointSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="webhook_endpoints_partial_update",
        summary="Change a webhook endpoint",
        request=EndpointUpdateSerializer,
        responses={200: EndpointSerializer, **error_responses(400, 404)},
    )
    def patch(self, request, *args, **kwargs):
        endpoint = self.get_object()
        serializer = EndpointUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        endpoint = endpoint_update(
            endpoint=endpoint, data=serializer.validated_data, actor=self.actor
        )
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhook_endpoints_destroy",
        summary="Delete a webhook endpoint and its delivery log",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, *args, **kwargs):
        return super().delete(request, *args, **kwargs)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        endpoint_delete(endpoint=instance, actor=self.actor)


@extend_schema(tags=["webhooks"])
class EndpointRotateSecretView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = WebhookEndpoint
    serializer_class = EndpointWithSecretSerializer
    lookup_url_kwarg = "id"
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="webhook_endpoints_rotate_secret",
        summary="Replace the endpoint's secret",
        request=None,
        responses={200: EndpointWithSecretSerializer, **error_responses(404)},
    )
    def post(self, request, *args, **kwargs):
        endpoint = self.get_object()
        secret = endpoint_rotate_secret(endpoint=endpoint, actor=self.actor)
        return Response(EndpointWithSecretSerializer(endpoint, context={"secret": secret}).data)


@extend_schema(tags=["webhooks"])
class EndpointTestView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = WebhookEndpoint
    serializer_class = DeliverySerializer
    lookup_url_kwarg = "id"
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="webhook_endpoints_test",
        summary="Send a test event to the endpoint",
        request=None,
        responses={202: DeliverySerializer, **error_responses(404)},
    )
    def post(self, request, *args, **kwargs):
        delivery = send_test_event(endpoint=self.get_object(), actor=self.actor)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["webhooks"])
class EndpointDeliveriesView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    """The delivery log of one endpoint, newest first."""

    model = WebhookEndpoint
    serializer_class = DeliverySerializer
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="webhook_endpoints_deliveries",
        summary="Deliveries to an endpoint",
        responses={200: DeliverySerializer(many=True), **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        endpoint = self.get_object()
        deliveries = WebhookDelivery.objects.for_tenant(self.tenant).filter(endpoint=endpoint)
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


@extend_schema(tags=["webhooks"])
class DeliveryDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = WebhookDelivery
    serializer_class = DeliveryDetailSerializer
    lookup_url_kwarg = "id"

    def tenant_queryset(self, queryset):
        return queryset.prefetch_related("log")

    @extend_schema(
        operation_id="webhook_deliveries_retrieve",
        summary="One delivery with every attempt",
        responses={200: DeliveryDetailSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["webhooks"])
class DeliveryRedeliverView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = WebhookDelivery
    serializer_class = DeliverySerializer
    lookup_url_kwarg = "id"
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="webhook_deliveries_redeliver",
        summary="Deliver the same event again",
        request=None,
        responses={202: DeliverySerializer, **error_responses(404)},
    )
    def post(self, request, *args, **kwargs):
        again = redeliver(delivery=self.get_object(), actor=self.actor)
        return Response(DeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)
