"""The portal's usage, statements and limits pages."""

from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("usage/", views.UsageView.as_view(), name="usage"),
    path("usage/statements/", views.StatementListView.as_view(), name="statements"),
    path("usage/statements/<uuid:pk>/", views.StatementDetailView.as_view(), name="statement"),
    path(
        "usage/statements/<uuid:pk>/print/",
        views.StatementPrintView.as_view(),
        name="statement_print",
    ),
    path("usage/statements/<uuid:pk>/csv", views.StatementCsvView.as_view(), name="statement_csv"),
    path("usage/limits/", views.LimitListView.as_view(), name="limits"),
    path("usage/limits/<int:pk>/", views.LimitEditView.as_view(), name="limit"),
    path("usage/limits/<int:pk>/delete/", views.LimitDeleteView.as_view(), name="limit_delete"),
]
