"""HTTP face of the local AWS: `/sandbox/aws/<path>` serves SES v2 and SNS (SigV4 checked),
and SNS's unsigned SubscribeURL / UnsubscribeURL GETs."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox import clock
from sandbox.aws import dispatch, protocol, signing, sns, verification
from sandbox.aws.errors import AwsError
from sandbox.aws.models import SnsSubscription
from sandbox.aws.registry import SNS
from sandbox.aws.services import ensure_platform_account_once

_CERT = re.compile(r"^SimpleNotificationService-([0-9a-f]{1,40})\.pem$")


def email_sandbox_only(view: Callable) -> Callable:
    """Answered only while the platform's email runs against the local SES."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(settings, "EMAIL_MODE", "sandbox") != "sandbox":
            return JsonResponse({"error": "the AWS sandbox is off"}, status=404)
        return view(request, *args, **kwargs)

    return wrapper


def _response(status: int, headers: dict[str, str], body: bytes) -> HttpResponse:
    headers = dict(headers)
    response = HttpResponse(body, status=status, content_type=headers.pop("Content-Type", None))
    for name, value in headers.items():
        response[name] = value
    return response


def _unsigned_get(request: HttpRequest) -> HttpResponse:
    """SubscribeURL and UnsubscribeURL work with a plain GET, as on SNS."""
    action = request.GET.get("Action", "")
    operation = protocol.service_model(SNS).operation_model(
        "ConfirmSubscription" if action == "ConfirmSubscription" else "Unsubscribe"
    )
    try:
        if action == "ConfirmSubscription":
            subscription = sns.confirm(
                request.GET.get("TopicArn", ""), request.GET.get("Token", ""), clock.now()
            )
            result = {"SubscriptionArn": subscription.arn}
        elif action == "Unsubscribe":
            subscription = SnsSubscription.objects.filter(
                arn=request.GET.get("SubscriptionArn", "")
            ).first()
            if subscription is None:
                raise AwsError("NotFound", "Subscription does not exist", 404)
            if subscription.authenticate_on_unsubscribe:
                raise AwsError(
                    "AuthorizationError",
                    "This subscription can only be removed with a signed Unsubscribe call "
                    "(AuthenticateOnUnsubscribe).",
                    403,
                )
            subscription.delete()
            result = None
        else:
            raise AwsError("MissingAuthenticationToken", "Missing Authentication Token", 403)
    except AwsError as err:
        return _response(*err.query_xml())
    body = protocol.query_body(operation, result, str(uuid.uuid4()))
    return HttpResponse(body, content_type="text/xml")


def _verify_email_address(request: HttpRequest) -> HttpResponse:
    """The link of SES's verification email."""
    identity = verification.confirm(request.GET.get("Token", ""), clock.now())
    if identity is None:
        return HttpResponse(
            "This verification link is not valid or has expired.",
            status=400,
            content_type="text/plain",
        )
    return HttpResponse(
        f"Congratulations! You have successfully verified {identity.name}. You can now "
        "start sending email from this address.",
        content_type="text/plain",
    )


@csrf_exempt
@email_sandbox_only
def aws_api(request: HttpRequest, path: str | None = None) -> HttpResponse:
    """`{EMAIL_SANDBOX_URL}/<path>`: SES v2 (`/v2/email/...`) and SNS (`POST /`)."""
    unsigned = request.method == "GET" and "Authorization" not in request.headers
    if unsigned and request.GET.get("Action") in ("ConfirmSubscription", "Unsubscribe"):
        return _unsigned_get(request)
    if unsigned and request.GET.get("Action") == "VerifyEmailAddress":
        return _verify_email_address(request)
    certificate = _CERT.match(path or "")
    if unsigned and certificate:
        pem = signing.certificate_pem(certificate.group(1))
        if pem is None:
            return HttpResponse("Not Found", status=404, content_type="text/plain")
        return HttpResponse(pem, content_type="application/x-pem-file")
    ensure_platform_account_once()
    raw_path = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or ""
    raw_path = raw_path.split("?", 1)[0] or quote(request.path, safe="/~")
    scheme = "https" if request.is_secure() else "http"
    query = request.META.get("QUERY_STRING", "")
    url = f"{scheme}://{request.get_host()}/{path or ''}" + (f"?{query}" if query else "")
    headers = {k: v for k, v in request.headers.items()}
    return _response(
        *dispatch.handle(request.method, url, headers, request.body, raw_path=raw_path)
    )
