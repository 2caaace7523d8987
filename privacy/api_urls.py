from django.urls import path

from privacy import api

urlpatterns = [
    path("privacy/erasures", api.ErasureListView.as_view(), name="api-privacy-erasures"),
    path(
        "privacy/erasures/<uuid:id>",
        api.ErasureDetailView.as_view(),
        name="api-privacy-erasure",
    ),
    path("privacy/exports", api.ExportListView.as_view(), name="api-privacy-exports"),
    path("privacy/exports/<uuid:id>", api.ExportDetailView.as_view(), name="api-privacy-export"),
    path(
        "privacy/exports/<uuid:id>/download",
        api.ExportDownloadView.as_view(),
        name="api-privacy-export-download",
    ),
]
