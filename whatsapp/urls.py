from django.urls import path

from whatsapp import views

app_name = "whatsapp"

urlpatterns = [
    path("whatsapp/", views.SenderListView.as_view(), name="senders"),
    path("whatsapp/connect/", views.ConnectView.as_view(), name="connect"),
    path("whatsapp/connect/details/", views.DetailsView.as_view(), name="details"),
    path("whatsapp/<uuid:pk>/", views.SenderView.as_view(), name="sender"),
    path("whatsapp/<uuid:pk>/verify/", views.VerifyView.as_view(), name="verify"),
    path("whatsapp/<uuid:pk>/new-code/", views.ResendView.as_view(), name="resend"),
]
