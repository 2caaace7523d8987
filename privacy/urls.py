from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("settings/privacy/", views.PrivacyView.as_view(), name="settings"),
    path("settings/privacy/exports/", views.ExportCreateView.as_view(), name="export_create"),
    path(
        "settings/privacy/exports/<uuid:pk>/download",
        views.ExportDownloadView.as_view(),
        name="export_download",
    ),
    path("settings/privacy/erasures/", views.ErasureCreateView.as_view(), name="erasure_create"),
]
