from django.urls import path

from twofactor import verify_views, views

app_name = "twofactor"

urlpatterns = [
    path("accounts/two-factor/", verify_views.VerifyView.as_view(), name="verify"),
    path("settings/two-factor/", views.SecuritySettingsView.as_view(), name="settings"),
    path("settings/two-factor/enrol/", views.EnrolView.as_view(), name="enrol"),
    path(
        "settings/two-factor/recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path("settings/two-factor/disable/", views.DisableView.as_view(), name="disable"),
    path("settings/two-factor/policy/", views.SecurityPolicyView.as_view(), name="policy"),
]
