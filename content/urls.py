from django.urls import path

from content import views

app_name = "content"

urlpatterns = [
    path("templates/", views.TemplateListView.as_view(), name="list"),
    path("templates/new/", views.TemplateAuthorView.as_view(), name="new"),
    path("templates/preview/", views.TemplatePreviewView.as_view(), name="preview"),
    path("templates/sync/", views.TemplateSyncView.as_view(), name="sync"),
    path("templates/<uuid:pk>/", views.TemplateDetailView.as_view(), name="detail"),
    path("templates/<uuid:pk>/edit/", views.TemplateAuthorView.as_view(), name="edit"),
    *(
        path(
            f"templates/<uuid:pk>/{action}/",
            views.TemplateActionView.as_view(),
            {"action": action},
            name=action,
        )
        for action in ("submit", "duplicate", "check")
    ),
]
