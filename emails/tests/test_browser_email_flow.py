"""The email channel end to end in Chromium, as a tenant's owner uses the portal: add a
sending domain, see it verified once the sandbox's SES has (its clock moved), send an
email from the portal, read it rendered in the sandbox mailbox (which opens it), and see
it delivered and opened in the message log; then an email broadcast to two subscribers.
Tasks run eagerly in the live server; SES's events come back as SNS's HTTP POSTs to the live
server's tracking webhook (basic auth after the 401 challenge, as SNS sends it)."""

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from broadcasts.models import Broadcast
from contacts.models import Audience, AudienceMember
from contacts.tests.factories import ContactFactory
from emails.models import EmailIdentity
from messaging.models import Message
from sandbox import clock
from sandbox.aws import delivery as sns_delivery
from sandbox.aws.models import SnsDeliveryAttempt
from tenants.tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOMAIN = "news.acme-coffee.test"
SENDER = f"hello@{DOMAIN}"
READER = "ada.reader@example.org"
ORDER_HTML = "<h1>Ready!</h1><p>Your <b>flat white</b> is at the counter.</p>"


@pytest.fixture(autouse=True)
def _tracking_over_http(live_server, settings):
    """The platform's SNS subscription points at the live server, reached over HTTP."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.SANDBOX_CALLBACKS_INPROCESS = False
    yield
    sns_delivery._session.close()  # its keep-alive connections end with this live server


def sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def add_and_verify_domain(page) -> None:
    page.goto("/email/domains/")
    page.get_by_label("Domain or address").fill(DOMAIN)
    page.locator("#add-identity").click()
    page.wait_for_url(re.compile(r"/email/domains/[0-9a-f-]+/$"))
    expect(page.locator("#identity-status")).to_contain_text("Waiting for DNS")
    expect(page.locator("#dns-records")).to_contain_text("_domainkey")
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)  # SES sees the DNS records
    page.locator("#check-identity").click()
    expect(page.locator("#identity-status")).to_contain_text("Verified")


def send_email(page) -> Message:
    page.goto("/email/send/")
    form = page.locator("#email-compose-form")
    form.get_by_label("To").fill(READER)
    form.locator("input[name=from_]").fill(SENDER)
    form.get_by_label("Subject").fill("Your order is ready")
    form.get_by_label("HTML").fill(
        "<h1>Ready!</h1><p>Your <b>flat white</b> is at the counter.</p>"
    )
    page.locator("#send-email").click()
    page.wait_for_url(re.compile(r"/messages/[0-9a-f-]+/$"))
    return Message.objects.get(to_number=READER)


def read_in_mailbox(page, address: str, subject: str) -> None:
    """The recipient's inbox in the sandbox, the email opened and its HTML rendered."""
    page.goto(f"/sandbox/mailbox/?address={address}")
    page.get_by_text(subject).first.click()
    frame = page.frame_locator("iframe").first
    expect(frame.locator("body")).to_contain_text("at the counter")


def test_add_a_domain_send_an_email_read_it_and_see_its_statuses(page, tenant, owner):
    sign_in(page, owner)
    add_and_verify_domain(page)
    assert EmailIdentity.objects.for_tenant(tenant).get().status == "verified"

    message = send_email(page)
    expect(page.get_by_text("Your order is ready").first).to_be_visible()
    clock.advance(2)  # SES's Send and Delivery events, through SNS to the tracking webhook
    message.refresh_from_db()
    assert message.status == "delivered", message.status
    # Over HTTP: SNS was challenged (401), then sent the webhook's basic auth.
    assert SnsDeliveryAttempt.objects.filter(status_code=200, authenticated=True).exists()

    read_in_mailbox(page, READER, "Your order is ready")
    clock.advance(1)
    message.refresh_from_db()
    assert message.status == "opened"

    page.goto("/messages/")
    row = page.locator("tr", has_text=READER).first
    expect(row).to_contain_text("Opened")
    page.goto(f"/messages/{message.pk}/")
    events = page.locator("#email-events")
    expect(events).to_contain_text("Delivered")
    expect(events).to_contain_text("Opened")


def test_an_email_broadcast_from_the_portal_reaches_the_mailbox(page, tenant, owner):
    sign_in(page, owner)
    add_and_verify_domain(page)
    readers = [
        ContactFactory(
            tenant=tenant, first_name=name, email=f"{name.lower()}@example.org",
            email_consent_at=timezone.now(), email_consent_source="web_form",
        )
        for name in ("Ada", "Grace")
    ]  # fmt: skip
    audience = Audience.objects.create(tenant=tenant, name="Readers", kind="static")
    AudienceMember.objects.bulk_create(
        [AudienceMember(tenant=tenant, audience=audience, contact=c) for c in readers]
    )

    page.goto("/broadcasts/new/")
    page.get_by_label("Name").fill("Autumn news")
    page.get_by_label("Channel").select_option("email")
    page.get_by_label("Audience").select_option(label="Readers")
    page.get_by_label("From address").fill(SENDER)
    page.get_by_label("Subject").fill("Autumn news for {{first_name}}")
    page.get_by_label("HTML").fill("<p>Hi {{first_name}}, the autumn blend is at the counter.</p>")
    expect(page.get_by_test_id("preview-subject").first).to_have_text("Autumn news for Ada")
    page.locator("#save-broadcast").click()
    page.wait_for_url(re.compile(r"/broadcasts/[0-9a-f-]+/$"))
    page.locator("#launch-broadcast").click()
    broadcast = Broadcast.objects.for_tenant(tenant).get()
    clock.advance(2)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.sent, broadcast.delivered) == ("completed", 2, 2)
    read_in_mailbox(page, "grace@example.org", "Autumn news for Grace")
