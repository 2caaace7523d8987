"""In Chromium, under the enforced Content-Security-Policy: the portal's pages (every link of
the sidebar, the send page, a broadcast, an email, the usage charts), the admin, the API docs,
the hosted widget page and the widget demo on another origin, with no violation at all (the
`page` fixture fails a test on any) and their scripts really running."""

import re
import threading
from decimal import Decimal
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from billing.tests.factories import UsageRecordFactory
from broadcasts.tests.factories import BroadcastFactory
from isvplatform.testing.browser import csp_violations
from messaging.tests.factories import MessageFactory
from tenants.models import Membership
from tenants.services import Actor
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from twofactor.selectors import totp_current_code
from twofactor.tests.helpers import confirmed_device
from verify.tests.factories import VerifyServiceFactory
from verify.widget.demo import allow_demo_origins, write_demo_page
from verify.widget.keys import widget_enable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL_HTML = '<p style="color: rgb(200, 0, 0)">Spring sale</p>'


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, path
    assert "content-security-policy" in response.headers, path
    page.wait_for_load_state("load")
    assert csp_violations(page.csp_messages) == [], path


def test_the_portal_pages_run_under_the_policy(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    tenant = owner.tenant
    UsageRecordFactory(tenant=tenant, count=20, usage=Decimal(20), price=Decimal("0.158"))
    message = MessageFactory(tenant=tenant, channel="email", html=EMAIL_HTML)
    broadcast = BroadcastFactory(tenant=tenant)
    sign_in(page, owner.user.username)
    assert page.evaluate("() => typeof htmx") == "object", "htmx runs"
    assert page.evaluate("() => htmx.config.allowEval") is False

    links = page.locator("nav.sidebar a").evaluate_all("links => links.map(a => a.pathname)")
    assert len(links) > 15
    extra = [
        "/messages/new/",
        "/broadcasts/new/",
        f"/broadcasts/{broadcast.pk}/",
        f"/messages/{message.pk}/",
        "/email/message-templates/new/",
        "/contacts/import/",
    ]
    for path in [*links, *extra]:
        visit(page, path)

    page.goto("/usage/")
    page.locator("canvas[data-rendered='true']").first.wait_for()  # Chart.js drew
    page.goto(f"/messages/{message.pk}/")
    frame = page.frame_locator("iframe.email-frame")
    color = frame.locator("p").evaluate("p => getComputedStyle(p).color")
    assert color == "rgb(200, 0, 0)", "the email's own inline style applies in its frame"
    assert csp_violations(page.csp_messages) == []


def test_a_blocked_inline_script_is_caught(page):
    """The guard itself: an inline script without the nonce is refused and reported."""
    visit(page, "/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("() => true")
    assert page.evaluate("() => window.ran") is None
    assert any("script-src" in m for m in page.csp_messages)
    page.csp_messages.clear()  # seen: don't fail the fixture


def test_the_admin_and_the_api_docs(page):
    staff = UserFactory(is_staff=True, is_superuser=True)
    device = confirmed_device(staff)  # staff must have a second factor
    page.goto("/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    page.get_by_label("Authentication code").fill(totp_current_code(device, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/admin/")
    for path in ("/admin/", "/admin/tenants/tenant/", "/admin/billing/overview/"):
        visit(page, path)
    visit(page, "/api/docs/")
    page.locator(".swagger-ui .info").wait_for()  # the nonce'd init script ran
    assert csp_violations(page.csp_messages) == []


def test_the_widget_hosted_and_on_another_origin(page, live_server, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    service = widget_enable(service=VerifyServiceFactory(), actor=Actor.system())
    visit(page, f"/verify/w/{service.publishable_key}/")
    page.locator("#verify-phone[data-verify-widget='ready']").wait_for()
    assert page.evaluate(
        "() => document.querySelector('#verify-phone').shadowRoot.adoptedStyleSheets.length"
    ) == 1  # fmt: skip

    server = ThreadingHTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    port = server.server_address[1]
    allow_demo_origins(service, port)
    directory = write_demo_page(service.tenant, platform_url=live_server.url, port=port)
    server.RequestHandlerClass = partial(QuietHandler, directory=str(directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{port}/index.html")
        page.locator("#verify-phone[data-verify-widget='ready']").wait_for()
        brand = page.locator("#verify-phone .name").inner_text()
        assert brand == service.brand_name
    finally:
        server.shutdown()
        server.server_close()
    assert csp_violations(page.csp_messages) == []


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
