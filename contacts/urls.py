from django.urls import path

from contacts import views, views_audiences, views_imports

app_name = "contacts"

urlpatterns = [
    path("contacts/", views.ContactListView.as_view(), name="list"),
    path("contacts/new/", views.ContactEditView.as_view(), name="new"),
    path("contacts/export/", views.ContactExportView.as_view(), name="export"),
    path("contacts/fields/", views.FieldListView.as_view(), name="fields"),
    path("contacts/fields/<int:pk>/delete/", views.FieldDeleteView.as_view(), name="field_delete"),
    path("contacts/import/", views_imports.ImportUploadView.as_view(), name="import"),
    path("contacts/import/<uuid:pk>/", views_imports.ImportMapView.as_view(), name="import_map"),
    path(
        "contacts/import/<uuid:pk>/progress/",
        views_imports.ImportProgressView.as_view(),
        name="import_progress",
    ),
    path(
        "contacts/import/<uuid:pk>/errors.csv",
        views_imports.ImportErrorsView.as_view(),
        name="import_errors",
    ),
    path(
        "contacts/import/<uuid:pk>/cancel/",
        views_imports.ImportCancelView.as_view(),
        name="import_cancel",
    ),
    path("contacts/<uuid:pk>/", views.ContactEditView.as_view(), name="edit"),
    path("contacts/<uuid:pk>/delete/", views.ContactDeleteView.as_view(), name="delete"),
    path("audiences/", views_audiences.AudienceListView.as_view(), name="audiences"),
    path("audiences/new/", views_audiences.AudienceEditView.as_view(), name="audience_new"),
    path("audiences/count/", views_audiences.AudienceCountView.as_view(), name="audience_count"),
    path("audiences/<uuid:pk>/", views_audiences.AudienceEditView.as_view(), name="audience"),
    path(
        "audiences/<uuid:pk>/members/",
        views_audiences.AudienceMembersView.as_view(),
        name="audience_members",
    ),
    path(
        "audiences/<uuid:pk>/delete/",
        views_audiences.AudienceDeleteView.as_view(),
        name="audience_delete",
    ),
]
