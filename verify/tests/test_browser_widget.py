"""The widget in Chromium, embedded on a page of another origin: the phone step, the code
read from the handset simulator, the verified token handed to the page and checked by the
API; and a page of an origin the tenant did not allow, refused."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from tenants.services import Actor, api_key_create
from verify.models import VerificationAttempt, VerifyService
from verify.tests.conftest import HANDSET, switch_on
from verify.widget.keys import widget_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKEN_URL = "/api/v1/verifications/tokens/verify"
SHOP_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title></head>
<body>
  <h1>The shop</h1>
  <div id="verify-phone"></div>
  <pre id="token"></pre><pre id="event"></pre><pre id="error"></pre>
  <script>
    function onPhoneVerified(detail) {
      document.getElementById("token").textContent = detail.token;
    }
    document.addEventListener("isv-verify:verified", function (e) {
      document.getElementById("event").textContent = e.detail.phone;
    });
    document.addEventListener("isv-verify:error", function (e) {
      document.getElementById("error").textContent = e.detail.code;
    });
  </script>
  <script src="%(platform)s/static/verify/widget.js" data-key="%(key)s"
          data-target="#verify-phone" data-callback="onPhoneVerified"></script>
</body></html>
"""


@contextmanager
def shop_server() -> Iterator[tuple[str, dict]]:
    """A plain static server on 127.0.0.1, another origin than the live server's localhost.
    It serves `page["html"]`, set once the origin (its port) is known."""
    page: dict[str, str] = {"html": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = page["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", page
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def verify_service(tenant, owner, on_commit, live_server) -> VerifyService:
    assert "localhost" in live_server.url
    return switch_on(tenant, on_commit, brand_name="Acme Coffee")


def allow(service: VerifyService, origin: str) -> VerifyService:
    return widget_update(
        service=service,
        data={"allowed_origins": [origin], "brand_color": "#aa3300"},
        actor=Actor.system(),
    )


def code_on_handset(context, live_server) -> str:
    """The code as the person reads it in the handset simulator."""
    handset = context.new_page()
    handset.goto(f"{live_server.url}/sandbox/handset/?number={quote(HANDSET)}")
    bubble = handset.locator(".bubble .text", has_text="Acme Coffee").last
    bubble.wait_for()
    code = re.search(r"\b(\d{4,10})\b", bubble.inner_text()).group(1)
    handset.close()
    return code


def test_the_widget_on_another_origin_verifies_a_phone(page, live_server, verify_service):
    with shop_server() as (shop, served):
        service = allow(verify_service, shop)
        served["html"] = SHOP_PAGE % {"platform": live_server.url, "key": service.publishable_key}
        page.goto(shop + "/")
        page.locator("#verify-phone[data-verify-widget='ready']").wait_for()
        widget = page.locator("#verify-phone")
        assert widget.get_by_text("Acme Coffee", exact=True).is_visible()
        widget.get_by_label("Phone number").fill(HANDSET)
        widget.get_by_role("button", name="Send code").click()
        widget.get_by_text(f"We sent a code to {HANDSET}.").wait_for()
        attempt = VerificationAttempt.objects.for_tenant(service.tenant).get()
        assert attempt.source == "widget" and attempt.to == HANDSET

        widget.get_by_label("Code").fill(code_on_handset(page.context, live_server))
        widget.get_by_role("button", name="Verify").click()
        widget.get_by_text("Your phone is verified.").wait_for()
        page.locator("#event", has_text=HANDSET).wait_for()
        token = page.locator("#token").inner_text()
    assert token.count(".") == 2

    _key, raw = api_key_create(tenant=service.tenant, name="shop", actor=Actor.system())
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    checked = client.post(TOKEN_URL, {"token": token}, format="json")
    assert checked.status_code == 200, checked.content
    assert checked.json()["valid"] is True and checked.json()["phone"] == HANDSET
    assert client.post(TOKEN_URL, {"token": token}, format="json").status_code == 409


def test_a_page_of_an_origin_not_allowed_is_refused(page, live_server, verify_service):
    with shop_server() as (allowed_origin, _), shop_server() as (other, served):
        service = allow(verify_service, allowed_origin)
        served["html"] = SHOP_PAGE % {"platform": live_server.url, "key": service.publishable_key}
        page.goto(other + "/")
        page.locator("#verify-phone[data-verify-widget='refused']").wait_for(state="attached")
        assert page.locator("#error").inner_text() == "blocked"
        assert page.locator("#verify-phone").get_by_label("Phone number").count() == 0
    assert not VerificationAttempt.objects.for_tenant(service.tenant).exists()


def test_the_hosted_page_returns_the_token_to_an_allowed_url(page, live_server, verify_service):
    with shop_server() as (shop, served):
        service = allow(verify_service, shop)
        served["html"] = "<!doctype html><title>Thanks</title><p>Back at the shop</p>"
        hosted = f"{live_server.url}/verify/w/{service.publishable_key}/"
        page.goto(f"{hosted}?return_to={quote(shop + '/done')}")
        page.get_by_label("Phone number").fill(HANDSET)
        page.get_by_role("button", name="Send code").click()
        page.get_by_label("Code").fill(code_on_handset(page.context, live_server))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url(re.compile(re.escape(shop) + r"/done\?verify_token=[\w.-]+"))
        token = page.url.split("verify_token=", 1)[1]
    _key, raw = api_key_create(tenant=service.tenant, name="shop", actor=Actor.system())
    checked = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        TOKEN_URL, {"token": token}, format="json"
    )
    assert checked.status_code == 200 and checked.json()["phone"] == HANDSET
