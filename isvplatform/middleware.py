"""Query strings are checked once, before any view or filter sees them.

A NUL byte is no valid value of any parameter, and PostgreSQL refuses it in a query (a
500, or a CSV export cut off mid-stream), so the request is refused with a 400 naming the
parameter: in the API's error format under /api/, as a page elsewhere.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.shortcuts import render

from isvplatform.api.errors import invalid_body, json_bad_request

NUL = "\x00"
NUL_MESSAGE = "Null characters are not allowed."


def nul_parameters(query) -> list[str]:
    """Names of the parameters whose name or value holds a NUL byte."""
    return sorted(
        {
            name.replace(NUL, "\\x00")
            for name, values in query.lists()
            if NUL in name or any(NUL in value for value in values)
        }
    )


class QueryStringGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            bad = nul_parameters(request.GET)
        except SuspiciousOperation as err:  # more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS
            if request.path.startswith("/api/"):
                return json_bad_request(request, err)
            raise
        if bad:
            return refuse(request, {name: [NUL_MESSAGE] for name in bad})
        return self.get_response(request)


def refuse(request, fields: dict[str, list[str]]):
    if request.path.startswith("/api/"):
        return JsonResponse(invalid_body(fields), status=400)
    return render(request, "bad_input.html", {"fields": fields}, status=400)
