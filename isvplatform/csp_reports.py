"""`POST /csp-report/`: browsers report Content-Security-Policy violations here (the policy's
report-uri, settings_security.py), and each becomes one log line.

Anyone can post, so the body is bounded (`CSP_REPORT_MAX_BYTES`), each client address may
send `REPORTS_PER_MINUTE` reports a minute, and only a few known fields are logged, reduced so
that nothing secret reaches the log: the page as its URL name (a path can carry a password
reset token), the blocked resource as its origin or keyword, never a sample of the code.
"""

import json
import logging
import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt

from isvplatform.api.errors import error_body
from isvplatform.public import client_ip

logger = logging.getLogger(__name__)

REPORTS_PER_MINUTE = 60
KEYWORDS = {"inline", "eval", "wasm-eval", "data", "blob", "self", "trusted-types-policy"}
TEXT_FIELDS = ("effective-directive", "violated-directive", "disposition")
# What a logged value may hold: no spaces, quotes or line breaks, so a report can't forge a line.
UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._:/@\[\]-]")


def _refuse(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


def _page(url: str) -> str:
    """The URL name of a page of ours (`portal:dashboard`), else "other"."""
    try:
        return resolve(urlsplit(url).path).view_name or "other"
    except (Resolver404, ValueError):
        return "other"


def _source(value: str) -> str:
    """`inline`, `eval`… as they are; a URL as its origin."""
    if value in KEYWORDS:
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return "other"
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "other"


def _short(value: object) -> str:
    return str(value)[:80] if isinstance(value, str | int) else ""


def violations(data: object) -> list[dict]:
    """The violation bodies of a `report-uri` post ({"csp-report": {…}}) or of a Reporting
    API one ([{"type": "csp-violation", "body": {…}}]); ValueError for anything else."""
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        found = [r["body"] for r in data if r.get("type") == "csp-violation"]
        if all(isinstance(body, dict) for body in found):
            return found
    raise ValueError("not a CSP report")


def describe(report: dict) -> dict[str, str]:
    """The log fields of one violation (camelCase keys are the Reporting API's)."""
    get = lambda *names: next((report[n] for n in names if n in report), "")  # noqa: E731
    fields = {name: _short(get(name, name.title().replace("-", ""))) for name in TEXT_FIELDS}
    fields["page"] = _page(_short_url(get("document-uri", "documentURL")))
    fields["blocked"] = _source(_short_url(get("blocked-uri", "blockedURL")))
    source = _short_url(get("source-file", "sourceFile"))
    fields["source"] = urlsplit(source).path[:120] if source else ""
    fields["line"] = _short(get("line-number", "lineNumber"))
    return {name: UNSAFE_CHARS.sub("_", value) for name, value in fields.items()}


def _short_url(value: object) -> str:
    return value[:2000] if isinstance(value, str) else ""


def _over_limit(request: HttpRequest) -> bool:
    key = f"csp-report:{client_ip(request)}:{int(time.time() // 60)}"
    try:
        cache.add(key, 0, timeout=120)
        return cache.incr(key) > REPORTS_PER_MINUTE
    except ValueError:  # the cache failed open and lost the key: count nothing
        return False


@csrf_exempt
def csp_report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = _refuse(405, "method_not_allowed", "Use POST.")
        response["Allow"] = "POST"
        return response
    limit = settings.CSP_REPORT_MAX_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > limit:
        return _refuse(413, "payload_too_large", f"A report is at most {limit} bytes.")
    if _over_limit(request):
        return _refuse(429, "throttled", "Too many reports from this address.")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _refuse(413, "payload_too_large", f"A report is at most {limit} bytes.")
    try:
        reports = violations(json.loads(body or b"null"))
    except (ValueError, UnicodeDecodeError):
        return _refuse(400, "parse_error", "The body is not a CSP violation report.")
    for report in reports[:10]:
        fields = describe(report)
        logger.warning(
            "csp violation: %s",
            " ".join(f"{name}={value or '-'}" for name, value in fields.items()),
            extra={"csp": fields},
        )
    return HttpResponse(status=204)
