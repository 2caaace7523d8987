from django.urls import path

from broadcasts import views

app_name = "broadcasts"

urlpatterns = [
    path("broadcasts/", views.BroadcastListView.as_view(), name="list"),
    path("broadcasts/new/", views.BroadcastFormView.as_view(), name="new"),
    path("broadcasts/preview/", views.BroadcastPreviewView.as_view(), name="preview"),
    path("broadcasts/settings/", views.BroadcastSettingsView.as_view(), name="settings"),
    path("broadcasts/<uuid:pk>/", views.BroadcastDetailView.as_view(), name="detail"),
    path("broadcasts/<uuid:pk>/edit/", views.BroadcastFormView.as_view(), name="edit"),
    path(
        "broadcasts/<uuid:pk>/recipients.csv",
        views.BroadcastRecipientsCSVView.as_view(),
        name="recipients_csv",
    ),
    *(
        path(
            f"broadcasts/<uuid:pk>/{action}/",
            views.BroadcastActionView.as_view(),
            {"action": action},
            name=action,
        )
        for action in ("launch", "pause", "resume", "cancel", "unschedule", "delete")
    ),
]
