from django.urls import path

from content import api

urlpatterns = [
    path("templates", api.TemplateListView.as_view(), name="api-templates"),
    path("templates/sync", api.TemplateSyncView.as_view(), name="api-templates-sync"),
    path("templates/<uuid:id>", api.TemplateDetailView.as_view(), name="api-template"),
    path(
        "templates/<uuid:id>/submit", api.TemplateSubmitView.as_view(), name="api-template-submit"
    ),
    path(
        "templates/<uuid:id>/status", api.TemplateStatusView.as_view(), name="api-template-status"
    ),
    path(
        "templates/<uuid:id>/preview",
        api.TemplatePreviewView.as_view(),
        name="api-template-preview",
    ),
    path(
        "templates/<uuid:id>/duplicate",
        api.TemplateDuplicateView.as_view(),
        name="api-template-duplicate",
    ),
]
