from django.urls import path

from compliance import api

urlpatterns = [
    path("10dlc/form", api.FormView.as_view(), name="api-a2p-form"),
    path("10dlc/submit", api.SubmitView.as_view(), name="api-a2p-submit"),
    path("10dlc/status", api.StatusView.as_view(), name="api-a2p-status"),
    path("10dlc/registrations", api.RegistrationListView.as_view(), name="api-a2p-registrations"),
    path(
        "10dlc/registrations/<uuid:id>",
        api.RegistrationDetailView.as_view(),
        name="api-a2p-registration",
    ),
    path(
        "10dlc/registrations/<uuid:id>/submit",
        api.RegistrationSubmitView.as_view(),
        name="api-a2p-registration-submit",
    ),
    path(
        "10dlc/registrations/<uuid:id>/resend-otp",
        api.RegistrationResendOtpView.as_view(),
        name="api-a2p-registration-resend-otp",
    ),
    path(
        "toll-free-verifications",
        api.TollFreeVerificationListView.as_view(),
        name="api-toll-free-verifications",
    ),
    path(
        "toll-free-verifications/<uuid:id>",
        api.TollFreeVerificationDetailView.as_view(),
        name="api-toll-free-verification",
    ),
]
