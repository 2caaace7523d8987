from django.urls import path

from contacts import api, api_audiences, api_imports

urlpatterns = [
    path("contacts", api.ContactListView.as_view(), name="api-contacts"),
    path("contacts/export", api.ContactExportView.as_view(), name="api-contacts-export"),
    path("contacts/import", api_imports.ImportListView.as_view(), name="api-contact-imports"),
    path(
        "contacts/import/<uuid:id>",
        api_imports.ImportDetailView.as_view(),
        name="api-contact-import",
    ),
    path(
        "contacts/import/<uuid:id>/start",
        api_imports.ImportStartView.as_view(),
        name="api-contact-import-start",
    ),
    path(
        "contacts/import/<uuid:id>/cancel",
        api_imports.ImportCancelView.as_view(),
        name="api-contact-import-cancel",
    ),
    path(
        "contacts/import/<uuid:id>/errors",
        api_imports.ImportErrorsView.as_view(),
        name="api-contact-import-errors",
    ),
    path("contacts/<uuid:id>", api.ContactDetailView.as_view(), name="api-contact"),
    path("contact-fields", api.ContactFieldListView.as_view(), name="api-contact-fields"),
    path("contact-fields/<int:id>", api.ContactFieldDetailView.as_view(), name="api-contact-field"),
    path("audiences", api_audiences.AudienceListView.as_view(), name="api-audiences"),
    path("audiences/<uuid:id>", api_audiences.AudienceDetailView.as_view(), name="api-audience"),
    path(
        "audiences/<uuid:id>/count",
        api_audiences.AudienceCountView.as_view(),
        name="api-audience-count",
    ),
    path(
        "audiences/<uuid:id>/members",
        api_audiences.AudienceMembersAddView.as_view(),
        name="api-audience-members-add",
    ),
    path(
        "audiences/<uuid:id>/members/remove",
        api_audiences.AudienceMembersRemoveView.as_view(),
        name="api-audience-members-remove",
    ),
]
