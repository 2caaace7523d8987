"""Every request gets an id that is on each of its log lines, on the lines of the Celery
tasks it enqueues (django_structlog's Celery receivers carry it in the task headers, see
`isvplatform.celery`) and in the `X-Request-ID` answer header, so a client or a proxy can
quote it.

An inbound `X-Request-ID` (a proxy's, a client's) is kept only when it is a plain token:
8 to 64 letters, digits, `-`, `_` or `.`. Anything else (too long, spaces, quotes, control
characters, text meant to forge a log line) is replaced by a new UUID.
"""

import re
import uuid

import structlog
from django.dispatch import receiver
from django_structlog import signals
from django_structlog.middlewares import RequestMiddleware

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def accepted_request_id(inbound: str | None) -> str:
    """The inbound id when it is a sane token, else a new one."""
    if inbound and _SANE.fullmatch(inbound):
        return inbound
    return str(uuid.uuid4())


@receiver(signals.bind_extra_request_metadata)
def _bind_request_id(sender, request, logger, log_kwargs, **kwargs) -> None:
    """Replaces the id django_structlog generated, before its first line is logged."""
    request.request_id = accepted_request_id(request.headers.get(HEADER))
    structlog.contextvars.bind_contextvars(request_id=request.request_id)


class RequestLogMiddleware(RequestMiddleware):
    """django_structlog's request middleware, answering with the request's id. Its lines
    name the path without the query string (a signed link, a token, a searched number)."""

    @staticmethod
    def format_request(request) -> str:
        return f"{request.method} {request.path}"

    def handle_response(self, request, response) -> None:
        request_id = getattr(request, "request_id", None)
        if request_id and not response.has_header(HEADER):
            response[HEADER] = request_id
        super().handle_response(request, response)
