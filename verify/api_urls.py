from django.urls import path

from verify import api

urlpatterns = [
    path("verifications", api.VerificationListView.as_view(), name="api-verifications"),
    path("verifications/check", api.VerificationCheckView.as_view(), name="api-verification-check"),
    path("verifications/<int:id>", api.VerificationDetailView.as_view(), name="api-verification"),
    path("verify/settings", api.VerifySettingsView.as_view(), name="api-verify-settings"),
    path("verify/enable", api.VerifyEnableView.as_view(), name="api-verify-enable"),
    path("verify/disable", api.VerifyDisableView.as_view(), name="api-verify-disable"),
    path(
        "businesses/<int:id>/verify/send",
        api.StaffVerifySendView.as_view(),
        name="api-staff-business-verify-send",
    ),
    path(
        "businesses/<int:id>/verify/check",
        api.StaffVerifyCheckView.as_view(),
        name="api-staff-business-verify-check",
    ),
]
