from django.urls import path

from compliance import tollfree_views, views

app_name = "compliance"

urlpatterns = [
    path("10dlc/", views.StatusPageView.as_view(), name="index"),
    path("10dlc/register/", views.WizardView.as_view(), name="wizard"),
    path("10dlc/versions/<uuid:pk>/", views.VersionView.as_view(), name="version"),
    path("toll-free/", tollfree_views.TollFreeIndexView.as_view(), name="toll_free"),
    path(
        "toll-free/<uuid:number_id>/verify/",
        tollfree_views.TollFreeFormView.as_view(),
        name="toll_free_form",
    ),
    path(
        "10dlc/versions/<uuid:pk>/resend-otp/",
        views.ResendOtpView.as_view(),
        name="resend-otp",
    ),
    path(
        "webhooks/twilio/trusthub",
        views.trusthub_status_callback,
        name="trusthub_callback",
    ),
]
