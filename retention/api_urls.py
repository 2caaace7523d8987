from django.urls import path

from retention import api

urlpatterns = [
    path("retention", api.RetentionPolicyView.as_view(), name="api-retention"),
]
