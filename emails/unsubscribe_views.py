"""The unsubscribe page a marketing email links to, and RFC 8058's one-click POST.

No session, no login, no CSRF token: the mail client (Gmail's one-click) or the recipient's
browser posts straight from the email, and the signed token is the authority. GET only
shows a confirmation (link scanners fetch every URL in a mail; they must not unsubscribe
anyone); POST records the opt-out. A bad token is a 400 page, never a 500.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from emails.services.unsubscribe import (
    BadUnsubscribeToken,
    Unsubscribe,
    unsubscribe_apply,
    unsubscribe_read,
)


def _page(request: HttpRequest, template: str, status: int = 200, **context) -> HttpResponse:
    response = render(request, f"emails/unsubscribe/{template}", context, status=status)
    # The token is in the URL: keep it out of Referer headers, caches and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _invalid(request: HttpRequest) -> HttpResponse:
    return _page(request, "invalid.html", status=400)


def _context(target: Unsubscribe) -> dict:
    return {"sender": target.tenant.name, "address": target.address}


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            target = unsubscribe_read(token)
        except BadUnsubscribeToken:
            return _invalid(request)
        return _page(request, "confirm.html", **_context(target))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        try:
            target = unsubscribe_read(token)
            unsubscribe_apply(token, one_click=one_click)
        except BadUnsubscribeToken:
            return _invalid(request)
        return _page(request, "done.html", **_context(target))
