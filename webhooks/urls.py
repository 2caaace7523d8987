from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("webhook-endpoints/", views.EndpointListView.as_view(), name="endpoints"),
    path("webhook-endpoints/<uuid:pk>/", views.EndpointDetailView.as_view(), name="endpoint"),
    path(
        "webhook-endpoints/<uuid:pk>/action/",
        views.EndpointActionView.as_view(),
        name="endpoint_action",
    ),
    path(
        "webhook-endpoints/<uuid:pk>/secret/",
        views.EndpointSecretView.as_view(),
        name="endpoint_secret",
    ),
    path("webhook-deliveries/<uuid:pk>/", views.DeliveryDetailView.as_view(), name="delivery"),
]
