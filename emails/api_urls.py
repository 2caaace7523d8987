from django.urls import path

from emails import api

urlpatterns = [
    path("email/identities", api.IdentityListView.as_view(), name="api-email-identities"),
    path("email/identities/<uuid:id>", api.IdentityDetailView.as_view(), name="api-email-identity"),
    path(
        "email/identities/<uuid:id>/check",
        api.IdentityCheckView.as_view(),
        name="api-email-identity-check",
    ),
    path("email/templates", api.TemplateListView.as_view(), name="api-email-templates"),
    path("email/templates/<uuid:id>", api.TemplateDetailView.as_view(), name="api-email-template"),
    path(
        "email/templates/<uuid:id>/preview",
        api.TemplatePreviewView.as_view(),
        name="api-email-template-preview",
    ),
    path("email/credentials", api.CredentialsView.as_view(), name="api-email-credentials"),
]
