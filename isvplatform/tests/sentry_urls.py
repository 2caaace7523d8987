"""The platform's URLs plus a view that fails holding secrets (the Sentry test's)."""

from django.http import HttpRequest
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from isvplatform.urls import urlpatterns as platform_urls


@csrf_exempt
def fail_with_secrets(request: HttpRequest):
    auth_token = request.POST["token"]
    body = request.POST["Body"]
    readable_marker = "frame-vars-were-sent"
    note = f"password={request.POST['password']}"
    raise RuntimeError(f"sending {body[:0]}failed with {auth_token} ({note}, {readable_marker})")


urlpatterns = [path("test-sentry/fail", fail_with_secrets), *platform_urls]
