"""Public widget routes (no session, publishable key) and the portal's widget settings."""

from django.urls import path

from verify import widget_portal_views, widget_views

app_name = "verify_widget"

urlpatterns = [
    path("verify/widget/v1/config", widget_views.config, name="config"),
    path("verify/widget/v1/start", widget_views.start, name="start"),
    path("verify/widget/v1/check", widget_views.check, name="check"),
    path("verify/w/<str:key>/", widget_views.hosted_page, name="hosted"),
    path("verify/widget/", widget_portal_views.WidgetSettingsView.as_view(), name="settings"),
    path(
        "verify/widget/action/",
        widget_portal_views.WidgetActionView.as_view(),
        name="action",
    ),
]
