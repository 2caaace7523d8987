from django.urls import path

from verify import views

app_name = "verify"

urlpatterns = [
    path("verify/", views.VerifyPageView.as_view(), name="index"),
    path("verify/enable/", views.EnableView.as_view(), name="enable"),
    path("verify/disable/", views.DisableView.as_view(), name="disable"),
    path("verify/settings/", views.SettingsView.as_view(), name="settings"),
    path("verify/test/", views.TestSendView.as_view(), name="test_send"),
    path("verify/test/check/", views.TestCheckView.as_view(), name="test_check"),
    path("verify/attempts/", views.AttemptLogView.as_view(), name="attempts"),
    path("verify/attempts/export.csv", views.AttemptExportView.as_view(), name="export"),
]
