"""The Content-Security-Policy header (settings_security.py, django-csp): on the portal, the
admin, the API docs and the widget's pages, with the nonce the page's own tags carry, and
the few per-view loosenings (csp_policy.py); the report-only switch."""

import re

import environ
import pytest
from django.test import Client

from isvplatform.settings_security import csp_settings
from messaging.tests.factories import MessageFactory
from tenants.services import Actor
from twofactor.tests.helpers import login_verified
from verify.tests.factories import VerifyServiceFactory
from verify.widget.keys import widget_enable, widget_update

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"
NONCE_ATTR = re.compile(r'nonce="([^"]+)"')
SHOP = "https://shop.example"


def policy(response, header: str = HEADER) -> dict[str, list[str]]:
    assert header in response, f"no {header} header on {response.wsgi_request.path}"
    directives = {}
    for part in response[header].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict(response) -> dict[str, list[str]]:
    """The base policy, and a nonce in script-src that is the one the page's tags carry."""
    directives = policy(response)
    scripts = directives["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in directives["style-src"]
    nonces = [s for s in scripts if s.startswith("'nonce-")]
    assert len(nonces) == 1, scripts
    page_nonces = set(NONCE_ATTR.findall(response.content.decode()))
    assert page_nonces == {nonces[0][len("'nonce-") : -1]}, "the page's tags carry the nonce"
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    return directives


@pytest.fixture
def widget_service(tenant):
    service = widget_enable(service=VerifyServiceFactory(tenant=tenant), actor=Actor.system())
    return widget_update(
        service=service,
        data={"allowed_origins": [SHOP], "logo_url": "https://cdn.shop.example/logo.png"},
        actor=Actor.system(),
    )


@pytest.mark.parametrize("path", ["/", "/messages/", "/contacts/", "/broadcasts/", "/usage/"])
def test_portal_pages_get_the_strict_policy(portal, path):
    response = portal.get(path)
    assert response.status_code == 200
    directives = assert_strict(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert "style-src-attr" not in directives
    assert response["X-Frame-Options"] == "DENY"
    assert directives["report-uri"] == ["/csp-report/"]


def test_a_fresh_nonce_per_response(portal):
    first, second = (policy(portal.get("/"))["script-src"] for _ in range(2))
    assert first != second


def test_the_admin(staff_user):
    client = Client()
    login_verified(client, staff_user)
    for path in ("/admin/", "/admin/billing/overview/", "/admin/tenants/tenant/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert assert_strict(response)["frame-ancestors"] == ["'none'"]


def test_the_api_docs_inline_init_script_carries_the_nonce(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert_strict(response)
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline and all("nonce=" in attributes for attributes in inline)


def test_the_hosted_widget_page_may_be_framed_by_the_allowed_origins_only(widget_service):
    response = Client().get(f"/verify/w/{widget_service.publishable_key}/")
    assert response.status_code == 200
    directives = assert_strict(response)
    assert directives["frame-ancestors"] == [SHOP]
    assert "X-Frame-Options" not in response
    assert directives["img-src"] == ["'self'", "data:", "https://cdn.shop.example"]


def test_the_hosted_page_without_allowed_origins_cant_be_framed(widget_service):
    widget_update(service=widget_service, data={"allowed_origins": []}, actor=Actor.system())
    response = Client().get(f"/verify/w/{widget_service.publishable_key}/")
    assert policy(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_widget_settings_page_previews_with_the_logo(portal, widget_service):
    response = portal.get("/verify/widget/")
    assert response.status_code == 200
    directives = assert_strict(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert "https://cdn.shop.example" in directives["img-src"]


def test_the_widget_endpoints_answer_json_under_the_policy(widget_service):
    response = Client().get(
        "/verify/widget/v1/config", {"key": widget_service.publishable_key}, HTTP_ORIGIN=SHOP
    )
    assert response.status_code == 200
    assert policy(response)["frame-ancestors"] == ["'none'"]


def test_a_page_showing_an_email_lets_its_inline_styles_and_images_through(portal, tenant):
    message = MessageFactory(tenant=tenant, channel="email", html='<p style="color:red">Hi</p>')
    response = portal.get(f"/messages/{message.pk}/")
    assert response.status_code == 200
    directives = assert_strict(response)
    assert directives["style-src-attr"] == ["'unsafe-inline'"]
    assert "https:" in directives["img-src"]
    assert "'unsafe-inline'" not in directives["style-src"]


def test_report_only_mode(monkeypatch, settings, portal, widget_service):
    monkeypatch.setenv("CSP_REPORT_ONLY", "true")
    for name, value in csp_settings(environ.Env()).items():
        setattr(settings, name, value)
    response = portal.get("/")
    assert HEADER not in response
    assert "'nonce-" in " ".join(policy(response, REPORT_ONLY)["script-src"])
    hosted = Client().get(f"/verify/w/{widget_service.publishable_key}/")
    assert HEADER not in hosted
    assert policy(hosted, REPORT_ONLY)["frame-ancestors"] == [SHOP]


def test_reports_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("CSP_REPORTS", "false")
    values = csp_settings(environ.Env())
    assert "report-uri" not in values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert values["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None
