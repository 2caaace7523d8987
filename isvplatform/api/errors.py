"""One error format for every API error: {"error": {"code", "message", "fields"}}."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from isvplatform import db_unavailable
from isvplatform.api.exceptions import PayloadTooLarge

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def invalid_body(fields: dict[str, list[str]]) -> dict:
    """The 400 body naming each invalid field (one field's message stands for the whole)."""
    if list(fields) == ["non_field_errors"]:
        message = fields["non_field_errors"][0]
    else:
        message = "Some fields are invalid: " + ", ".join(sorted(fields)) + "."
    return error_body("invalid", message, fields)


def suspicious_exception(exc: SuspiciousOperation) -> exceptions.APIException:
    """Django's refusals of a malformed or oversized request, as API errors (a 400 or 413,
    never the 500 an unknown exception becomes)."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return PayloadTooLarge(f"The request body is larger than {limit:,} bytes.")
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return exceptions.ParseError(
            f"The request has more than {limit:,} fields.", code="too_many_fields"
        )
    return exceptions.ParseError("The request is malformed.", code="bad_request")


def _flatten(detail) -> dict:
    """DRF's nested error detail as {field: [messages]}; nested fields join with dots."""
    fields: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            items = value if isinstance(value, list) else [value]
            fields.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in items)

    walk("", detail)
    return fields


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        exc = suspicious_exception(exc)

    response = drf_exception_handler(exc, context)
    if response is None and db_unavailable.is_database_unavailable(exc):
        logger.error("API request failed: database unavailable", exc_info=exc)
        body = error_body(db_unavailable.CODE, db_unavailable.MESSAGE)
        return db_unavailable.with_retry_after(Response(body, status=503))
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response(
            error_body("server_error", "Something went wrong on our side; it has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        response.data = invalid_body(_flatten(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, dict | list):
            response.data = error_body(code, "Request failed.", _flatten(detail))
        else:
            code = getattr(detail, "code", None) or code
            response.data = error_body(str(code), str(detail))
    return response


def json_error_view(status_code: int, code: str, message: str):
    def view(request, exception=None):
        return JsonResponse(error_body(code, message), status=status_code)

    return view


def unavailable_json() -> JsonResponse:
    """The 503 of a database outage under /api/ (see `isvplatform.db_unavailable`)."""
    body = error_body(db_unavailable.CODE, db_unavailable.MESSAGE)
    return db_unavailable.with_retry_after(JsonResponse(body, status=503))


def json_bad_request(request, exception=None) -> JsonResponse:
    """Django's 400 (a SuspiciousOperation outside DRF) in the error format."""
    if isinstance(exception, SuspiciousOperation):
        exc = suspicious_exception(exception)
    else:
        exc = exceptions.ParseError("The request is malformed.", code="bad_request")
    return JsonResponse(error_body(str(exc.detail.code), str(exc.detail)), status=exc.status_code)
