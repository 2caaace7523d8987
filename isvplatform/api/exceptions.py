"""API exceptions of our own, in a module that imports no DRF views.

The JSON parser (loaded by DRF's settings while `rest_framework.views` is being imported)
raises these, so they can't live in `errors`, which imports `rest_framework.views`.
"""

from rest_framework import exceptions, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"
