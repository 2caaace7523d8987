from django.urls import path
from django.views.generic import RedirectView

from emails import unsubscribe_views, views, views_send, views_templates

app_name = "emails"

urlpatterns = [
    # --- unsubscribe: public, the signed token is the authority (no session) -----------
    path(
        "email/unsubscribe/<str:token>",
        unsubscribe_views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
    # --- portal -------------------------------------------------------------------------
    path("email/", views.IdentityListView.as_view(), name="identities"),
    # The section's first page is its sending domains (the address some links carry).
    path("email/domains/", RedirectView.as_view(pattern_name="emails:identities")),
    path("email/domains/<uuid:pk>/", views.IdentityDetailView.as_view(), name="identity"),
    path(
        "email/domains/<uuid:pk>/check/", views.IdentityCheckView.as_view(), name="identity_check"
    ),
    path(
        "email/domains/<uuid:pk>/delete/",
        views.IdentityDeleteView.as_view(),
        name="identity_delete",
    ),
    path("email/message-templates/", views_templates.TemplateListView.as_view(), name="templates"),
    path(
        "email/message-templates/new/",
        views_templates.TemplateEditView.as_view(),
        name="template_new",
    ),
    path(
        "email/message-templates/preview/",
        views_templates.TemplatePreviewView.as_view(),
        name="template_preview",
    ),
    path(
        "email/message-templates/<uuid:pk>/",
        views_templates.TemplateEditView.as_view(),
        name="template",
    ),
    path(
        "email/message-templates/<uuid:pk>/delete/",
        views_templates.TemplateDeleteView.as_view(),
        name="template_delete",
    ),
    path("email/credentials/", views.CredentialsView.as_view(), name="credentials"),
    path(
        "email/credentials/delete/",
        views.CredentialsDeleteView.as_view(),
        name="credentials_delete",
    ),
    path("email/suppressions/", views.SuppressionListView.as_view(), name="suppressions"),
    path(
        "email/suppressions/export.csv",
        views.SuppressionExportView.as_view(),
        name="suppressions_export",
    ),
    path(
        "email/suppressions/<uuid:pk>/remove/",
        views.SuppressionRemoveView.as_view(),
        name="suppression_remove",
    ),
    path("email/send/", views_send.EmailComposeView.as_view(), name="compose"),
]
