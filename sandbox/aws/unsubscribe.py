"""The mailbox's one-click unsubscribe (RFC 8058), done as a mailbox provider does it: a
POST of `List-Unsubscribe=One-Click` to the https URI of the List-Unsubscribe header."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests
from django.conf import settings

from sandbox.aws.delivery import inprocess
from sandbox.aws.mailbox import header
from sandbox.aws.models import SesEmail

_URI = re.compile(r"<([^>]+)>")
BODY = "List-Unsubscribe=One-Click"


def one_click_url(email: SesEmail) -> str:
    """The URI a one-click unsubscribe posts to, or "" when the email offers none
    (no List-Unsubscribe-Post, or no https URI; http only under PUBLIC_BASE_URL)."""
    if header(email, "List-Unsubscribe-Post").strip() != BODY:
        return ""
    for uri in _URI.findall(header(email, "List-Unsubscribe")):
        scheme = urlsplit(uri).scheme
        local = uri.startswith(settings.PUBLIC_BASE_URL.rstrip("/") + "/")
        if scheme == "https" or (scheme == "http" and local):
            return uri
    return ""


def unsubscribe(email: SesEmail) -> int | None:
    """POST the one-click unsubscribe; the platform's HTTP status (None: not offered or
    unreachable)."""
    url = one_click_url(email)
    if not url:
        return None
    if inprocess(url):
        from django.test import Client

        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = Client(raise_request_exception=False).post(
            path,
            BODY,
            content_type="application/x-www-form-urlencoded",
            secure=parts.scheme == "https",
            HTTP_HOST=parts.netloc,
        )
        return response.status_code
    try:
        response = requests.post(
            url,
            data=BODY,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
            allow_redirects=False,
        )
    except requests.RequestException:
        return None
    return response.status_code
