from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("settings/retention/", views.RetentionSettingsView.as_view(), name="settings"),
]
