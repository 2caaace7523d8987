from django.urls import path

from twofactor import api

urlpatterns = [
    path("security/two-factor", api.TwoFactorPolicyView.as_view(), name="api-two-factor"),
]
