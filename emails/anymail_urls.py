"""/anymail/: the SES tracking webhook with per-owner secrets, then anymail's own views for
the other ESPs (the platform's EMAIL_ESP may be any of them)."""

from django.urls import include, path

from emails.webhooks import SesTrackingView

urlpatterns = [
    path(
        "amazon_ses/tracking/",
        SesTrackingView.as_view(),
        name="amazon_ses_tracking_webhook",
    ),
    path("", include("anymail.urls")),
]
