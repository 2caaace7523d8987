from django.urls import path

from broadcasts import api

urlpatterns = [
    path("broadcasts", api.BroadcastListView.as_view(), name="api-broadcasts"),
    path(
        "broadcasts/settings",
        api.BroadcastSettingsView.as_view(),
        name="api-broadcast-settings",
    ),
    path("broadcasts/<uuid:id>", api.BroadcastDetailView.as_view(), name="api-broadcast"),
    path("broadcasts/<uuid:id>/send", api.BroadcastSendView.as_view(), name="api-broadcast-send"),
    path(
        "broadcasts/<uuid:id>/pause", api.BroadcastPauseView.as_view(), name="api-broadcast-pause"
    ),
    path(
        "broadcasts/<uuid:id>/resume",
        api.BroadcastResumeView.as_view(),
        name="api-broadcast-resume",
    ),
    path(
        "broadcasts/<uuid:id>/cancel",
        api.BroadcastCancelView.as_view(),
        name="api-broadcast-cancel",
    ),
    path(
        "broadcasts/<uuid:id>/status",
        api.BroadcastStatusView.as_view(),
        name="api-broadcast-status",
    ),
    path(
        "broadcasts/<uuid:id>/preview",
        api.BroadcastPreviewView.as_view(),
        name="api-broadcast-preview",
    ),
    path(
        "broadcasts/<uuid:id>/recipients",
        api.BroadcastRecipientsView.as_view(),
        name="api-broadcast-recipients",
    ),
]
