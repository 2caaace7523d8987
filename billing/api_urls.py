"""/api/v1/usage, /api/v1/usage/statements and /api/v1/usage/limits."""

from django.urls import path

from billing import api

urlpatterns = [
    path("usage", api.UsageView.as_view(), name="api-usage"),
    path("usage/statements", api.StatementListView.as_view(), name="api-usage-statements"),
    path(
        "usage/statements/<uuid:id>",
        api.StatementDetailView.as_view(),
        name="api-usage-statement",
    ),
    path(
        "usage/statements/<uuid:id>/csv",
        api.StatementCsvView.as_view(),
        name="api-usage-statement-csv",
    ),
    path("usage/limits", api.LimitListView.as_view(), name="api-usage-limits"),
    path("usage/limits/<int:id>", api.LimitDetailView.as_view(), name="api-usage-limit"),
]
