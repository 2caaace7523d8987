from django.urls import path

from webhooks import api

urlpatterns = [
    path("webhook-endpoints", api.EndpointListView.as_view(), name="api-webhook-endpoints"),
    path(
        "webhook-endpoints/<uuid:id>",
        api.EndpointDetailView.as_view(),
        name="api-webhook-endpoint",
    ),
    path(
        "webhook-endpoints/<uuid:id>/deliveries",
        api.EndpointDeliveriesView.as_view(),
        name="api-webhook-endpoint-deliveries",
    ),
    path(
        "webhook-endpoints/<uuid:id>/test",
        api.EndpointTestView.as_view(),
        name="api-webhook-endpoint-test",
    ),
    path(
        "webhook-endpoints/<uuid:id>/rotate-secret",
        api.EndpointRotateSecretView.as_view(),
        name="api-webhook-endpoint-rotate-secret",
    ),
    path(
        "webhook-deliveries/<uuid:id>",
        api.DeliveryDetailView.as_view(),
        name="api-webhook-delivery",
    ),
    path(
        "webhook-deliveries/<uuid:id>/redeliver",
        api.DeliveryRedeliverView.as_view(),
        name="api-webhook-delivery-redeliver",
    ),
]
