from django.urls import path

from whatsapp import api

urlpatterns = [
    path("whatsapp/senders", api.SenderListView.as_view(), name="api-whatsapp-senders"),
    path("whatsapp/senders/<uuid:id>", api.SenderDetailView.as_view(), name="api-whatsapp-sender"),
    path(
        "whatsapp/senders/<uuid:id>/verify",
        api.SenderVerifyView.as_view(),
        name="api-whatsapp-sender-verify",
    ),
    path(
        "whatsapp/senders/<uuid:id>/resend-code",
        api.SenderResendView.as_view(),
        name="api-whatsapp-sender-resend",
    ),
]
