from django.urls import path

from broadcasts import streams

urlpatterns = [
    path(
        "broadcasts/<uuid:id>/events",
        streams.BroadcastEventsView.as_view(),
        name="api-broadcast-events",
    ),
]
