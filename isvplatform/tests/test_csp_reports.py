"""`POST /csp-report/`: a violation becomes one log line with nothing secret in it; bad,
oversized or too many reports are refused with a 4xx in the one error format."""

import json
import logging

import pytest
from django.core.cache import cache
from django.test import Client

from isvplatform import csp_reports

URL = "/csp-report/"
RESET_PAGE = (
    "https://platform.example/accounts/password-reset/MQ/c4x-0123456789abcdef/?next=/secret"
)


def report_uri_body(**overrides) -> bytes:
    body = {
        "document-uri": RESET_PAGE,
        "effective-directive": "script-src-elem",
        "violated-directive": "script-src-elem",
        "blocked-uri": "https://evil.example/x.js?token=abc",
        "source-file": "https://platform.example/static/js/portal.js?v=1",
        "line-number": 12,
        "script-sample": "stealTheToken('c4x-0123456789abcdef')",
        "disposition": "enforce",
        **overrides,
    }
    return json.dumps({"csp-report": body}).encode()


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def post(body: bytes, content_type: str = "application/csp-report", **extra):
    return Client().post(URL, body, content_type=content_type, **extra)


def test_a_report_is_logged_without_its_secrets(caplog):
    with caplog.at_level(logging.WARNING, logger="isvplatform.csp_reports"):
        response = post(report_uri_body())
    assert response.status_code == 204
    (record,) = [r for r in caplog.records if r.name == "isvplatform.csp_reports"]
    line = record.getMessage()
    assert record.csp == {
        "effective-directive": "script-src-elem",
        "violated-directive": "script-src-elem",
        "disposition": "enforce",
        "page": "password_reset_confirm",
        "blocked": "https://evil.example",
        "source": "/static/js/portal.js",
        "line": "12",
    }
    assert "page=password_reset_confirm" in line and "blocked=https://evil.example" in line
    for secret in ("c4x-0123456789abcdef", "token=abc", "stealTheToken", "next="):
        assert secret not in line


def test_a_reporting_api_batch():
    violation = {
        "documentURL": "https://p.example/",
        "blockedURL": "inline",
        "effectiveDirective": "style-src-attr",
    }
    batch = [{"type": "csp-violation", "body": violation}, {"type": "deprecation", "body": {}}]
    assert post(json.dumps(batch).encode(), "application/reports+json").status_code == 204
    assert csp_reports.describe(batch[0]["body"])["blocked"] == "inline"
    assert csp_reports.describe(batch[0]["body"])["page"] == "portal:dashboard"


def test_a_report_cannot_forge_a_log_line():
    fields = csp_reports.describe({"effective-directive": "script-src\n2026 ERROR forged line"})
    assert fields["effective-directive"] == "script-src_2026_ERROR_forged_line"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"csp-report": "x"}',
        b"{}",
        b"\xff\xfe",
        b'[{"type": "csp-violation", "body": 3}]',
    ],
)
def test_what_is_not_a_report_is_a_400(body):
    response = post(body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_an_oversized_report_is_a_413(settings):
    settings.CSP_REPORT_MAX_BYTES = 200
    response = post(report_uri_body(**{"script-sample": "x" * 300}))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_only_post():
    response = Client().get(URL)
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_too_many_reports_from_one_address(monkeypatch):
    monkeypatch.setattr(csp_reports, "REPORTS_PER_MINUTE", 3)
    codes = [post(report_uri_body()).status_code for _ in range(5)]
    assert codes == [204, 204, 204, 429, 429]
    other = post(report_uri_body(), REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 204
