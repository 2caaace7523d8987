"""The platform's URLs plus the trivial view `bench/send_api.py` compares sends with: the same
middleware, API-key authentication, tenant permission and throttle, and no work of its own."""

from django.urls import include, path
from rest_framework.response import Response

from isvplatform.api.views import TenantAPIView


class TrivialView(TenantAPIView):
    def post(self, request):
        return Response({"ok": True}, status=201)


urlpatterns = [
    path("bench/trivial", TrivialView.as_view()),
    path("", include("isvplatform.urls")),
]
