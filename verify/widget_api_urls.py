from django.urls import path

from verify import widget_api

urlpatterns = [
    path(
        "verifications/tokens/verify",
        widget_api.TokenVerifyView.as_view(),
        name="api-verify-token-verify",
    ),
    path("verify/widget", widget_api.WidgetSettingsView.as_view(), name="api-verify-widget"),
    path(
        "verify/widget/rotate-key",
        widget_api.WidgetRotateKeyView.as_view(),
        name="api-verify-widget-rotate-key",
    ),
]
