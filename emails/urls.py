from django.urls import path

from emails import unsubscribe_views

app_name = "emails"

urlpatterns = [
    # --- unsubscribe (public: signed token, no session) -- B1 ----------------------------
    path(
        "email/unsubscribe/<str:token>",
        unsubscribe_views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
    # --- portal (C) ---------------------------------------------------------------------
]
