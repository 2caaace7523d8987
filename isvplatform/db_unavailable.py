"""A request that failed because the database could not be reached (down, restarting after
a crash, refusing connections, a connection that died under it) is answered 503 with
`Retry-After`, not the 500 page: the failure is transient, and the caller (Twilio's webhook
delivery, an API client) should send the same request again shortly. Django's
`handler500` (`isvplatform.urls.server_error`) and the API's exception handler
(`isvplatform.api.errors`) both ask here; the error is still logged with its traceback.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse

RETRY_AFTER_SECONDS = 5
CODE = "service_unavailable"
MESSAGE = "The service is briefly unavailable; retry in a few seconds."


def is_database_unavailable(exc: BaseException | None = None) -> bool:
    """Whether `exc` (by default the exception being handled) is the database's transient
    failure: Django's OperationalError or InterfaceError, whatever the driver raised."""
    exc = exc if exc is not None else sys.exc_info()[1]
    return isinstance(exc, OperationalError | InterfaceError)


def with_retry_after(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unavailable_page() -> HttpResponse:
    """The 503 outside the API: plain text (a webhook's caller reads no page)."""
    page = HttpResponse(MESSAGE, status=503, content_type="text/plain; charset=utf-8")
    return with_retry_after(page)
