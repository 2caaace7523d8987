"""The mailbox's SES pages: one email as its recipient sees it (opening it fires SES's
`Open`), the click-tracking redirect (`Click`) and the one-click unsubscribe button."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from isvplatform.csp_policy import EMAIL_PREVIEW, policy_update
from sandbox import clock
from sandbox.access import pages_only
from sandbox.aws import mailbox, unsubscribe


def _found(message_id: str, request: HttpRequest):
    return mailbox.find(message_id, request.GET.get("address") or request.POST.get("address"))


def _missing(what: str) -> JsonResponse:
    return JsonResponse({"error": f"no such {what}"}, status=404)


@pages_only
@require_http_methods(["GET"])
def email_page(request: HttpRequest, message_id: str) -> HttpResponse:
    found = _found(message_id, request)
    if found is None:
        return _missing("email in this mailbox")
    email, address = found
    now = clock.now()
    mailbox.record_open(email, address, now, request.headers.get("User-Agent", ""))
    shown = [
        (name, mailbox.header(email, name))
        for name in mailbox.SHOWN_HEADERS
        if mailbox.header(email, name)
    ]
    context = {
        "email": email,
        "address": address,
        "headers": shown,
        "html": mailbox.tracked_html(email, address),
        "attachments": mailbox.attachments(email),
        "one_click": bool(unsubscribe.one_click_url(email)),
        "unsubscribed": request.GET.get("unsubscribed", ""),
        "now": now,
    }
    # The email's inline styles and images, in its sandboxed srcdoc frame (see EMAIL_PREVIEW).
    return policy_update(render(request, "sandbox/ses_email.html", context), EMAIL_PREVIEW)


@pages_only
@require_http_methods(["GET"])
def click(request: HttpRequest, message_id: str, index: int) -> HttpResponse:
    found = _found(message_id, request)
    if found is None:
        return _missing("email in this mailbox")
    email, address = found
    link = mailbox.record_click(
        email, address, index, clock.now(), request.headers.get("User-Agent", "")
    )
    if link is None:
        return _missing("link in this email")
    return HttpResponseRedirect(link)


@pages_only
@require_http_methods(["POST"])
def one_click_unsubscribe(request: HttpRequest, message_id: str) -> HttpResponse:
    found = _found(message_id, request)
    if found is None:
        return _missing("email in this mailbox")
    email, address = found
    status = unsubscribe.unsubscribe(email)
    outcome = "failed" if status is None or status >= 400 else "done"
    query = urlencode({"address": address, "unsubscribed": outcome})
    return HttpResponseRedirect(f"{reverse('sandbox:ses-email', args=[message_id])}?{query}")
