"""The widget's public endpoints and the hosted verification page.

Authenticated by the publishable key alone (`?key=pk_…` on every endpoint, so a CORS
preflight can be answered too), and only for a browser whose `Origin` the tenant allowed.
No session, no cookie, no CSRF token: these views use none, so a page of another origin
can't ride on anyone's sign-in. The platform's send limits (per number, per client address,
per prefix) apply through `start_verification(..., source="widget")`.
"""

import json
from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import Throttled

from isvplatform.api.errors import error_body
from isvplatform.api.throttling import AuthFailureThrottle
from isvplatform.csp_policy import allow_images_from, policy_replace
from isvplatform.public import client_ip
from verify.errors import VerifyRefused
from verify.models import VerifyService
from verify.widget import flow
from verify.widget.keys import service_for_key
from verify.widget.origins import (
    add_cors_headers,
    origin_allowed,
    request_origin,
    vary_on_origin,
)
from verify.widget.tokens import TokenRefused

MAX_BODY = 4096


class WidgetError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _error(status: int, code: str, message: str, field: str = "") -> JsonResponse:
    fields = {field: [message]} if field else {}
    return JsonResponse(error_body(code, message, fields), status=status)


def _authenticate(request: HttpRequest) -> tuple[VerifyService, str]:
    """The service of the request's key and the request's allowed origin, or a WidgetError."""
    failures = AuthFailureThrottle()
    try:
        failures.check(request)
    except Throttled as err:
        raise WidgetError(429, "throttled", "Too many invalid keys from this address.") from err
    service = service_for_key(request.GET.get("key", ""))
    if service is None:
        failures.record_failure(request)
        raise WidgetError(401, "invalid_key", "Unknown or rotated publishable key.", "key")
    origin = request_origin(request)
    if origin is None:
        raise WidgetError(403, "origin_required", "This widget only answers browsers (Origin).")
    if not origin_allowed(service, origin, request):
        raise WidgetError(
            403, "origin_not_allowed", f"{origin} is not an allowed origin for this key."
        )
    if not service.tenant.is_active:
        raise WidgetError(403, "tenant_inactive", "Verification is unavailable for this account.")
    return service, origin


def widget_endpoint(methods: tuple[str, ...]) -> Callable:
    """Key and origin check, CORS preflight and headers, and the one error format."""

    def decorate(handler: Callable) -> Callable:
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest) -> HttpResponse:
            if request.method not in (*methods, "OPTIONS"):
                response = _error(405, "method_not_allowed", f"Use {' or '.join(methods)}.")
                response["Allow"] = ", ".join((*methods, "OPTIONS"))
                return response
            try:
                service, origin = _authenticate(request)
            except WidgetError as err:
                response = _error(err.status, err.code, err.message, err.field)
                vary_on_origin(response)
                return response
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                add_cors_headers(response, origin, preflight=True)
            else:
                response = _answer(handler, request, service, origin)
                add_cors_headers(response, origin)
            vary_on_origin(response)
            response["Cache-Control"] = "no-store"
            return response

        return view

    return decorate


def _answer(handler, request, service, origin) -> JsonResponse:
    try:
        return JsonResponse(handler(request, service, origin))
    except WidgetError as err:
        return _error(err.status, err.code, err.message, err.field)
    except VerifyRefused as err:
        return _error(err.status, err.code, err.message, err.field or "")
    except TokenRefused as err:
        return _error(err.status, err.code, err.message)


def _json_body(request: HttpRequest) -> dict:
    if len(request.body) > MAX_BODY:
        raise WidgetError(413, "payload_too_large", f"The body is larger than {MAX_BODY} bytes.")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as err:
        raise WidgetError(400, "parse_error", "The body is not JSON.") from err
    if not isinstance(data, dict):
        raise WidgetError(400, "parse_error", "The body must be a JSON object.")
    return data


def _text(data: dict, name: str, max_length: int, required: bool = True) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise WidgetError(400, "invalid", f"{name} must be a string.", name)
    value = value.strip()
    if required and not value:
        raise WidgetError(400, "invalid", f"{name} is required.", name)
    if len(value) > max_length:
        raise WidgetError(400, "invalid", f"{name} has more than {max_length} characters.", name)
    return value


@widget_endpoint(("GET",))
def config(request, service, origin) -> dict:
    return flow.widget_config(service)


@widget_endpoint(("POST",))
def start(request, service, origin) -> dict:
    data = _json_body(request)
    return flow.widget_start(
        service,
        to=_text(data, "to", flow.TO_MAX_LENGTH),
        channel=_text(data, "channel", 16, required=False),
        client_ip=client_ip(request) or None,
    )


@widget_endpoint(("POST",))
def check(request, service, origin) -> dict:
    data = _json_body(request)
    return flow.widget_check(
        service,
        ref=_text(data, "attempt", 300),
        code=_text(data, "code", 10),
        client_ip=client_ip(request) or None,
        origin=origin,
    )


def hosted_page(request: HttpRequest, key: str) -> HttpResponse:
    """The tenant's full verification page, for those who link rather than embed.

    `?return_to=` (a URL on one of the tenant's allowed origins) receives the token as
    `verify_token` once the phone is verified.
    """
    service = service_for_key(key)
    if service is None or not service.tenant.is_active:
        raise Http404("No such verification page.")
    return_to = flow.safe_return_to(service, request.GET.get("return_to", ""))
    response = render(
        request,
        "verify/widget/hosted.html",
        {"service": service, "config": flow.widget_config(service), "return_to": return_to},
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return hosted_page_policy(response, service)


def hosted_page_policy(response: HttpResponse, service: VerifyService) -> HttpResponse:
    """The hosted page may be framed by the tenant's allowed origins (an `<iframe>` on the
    shop's page; `return_to` then lands in the frame, on the shop's origin) and by no one
    else, and shows the tenant's logo. Without allowed origins it stays unframeable."""
    origins = list(service.allowed_origins or [])
    if origins:
        policy_replace(response, {"frame-ancestors": origins})
        # X-Frame-Options can't name origins: frame-ancestors alone decides here.
        response.xframe_options_exempt = True
    return allow_images_from(response, [service.logo_url])
