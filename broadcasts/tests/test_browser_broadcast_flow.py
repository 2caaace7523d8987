"""The whole broadcast flow in Chromium, as a tenant's owner does it in the portal, with a
real worker sending through the sandbox: import the sample CSV through the wizard (with one
bad row), build a saved-filter audience by tag with its live count, write and launch an SMS
broadcast, watch the progress card move without a reload, pause (sending stops), resume,
and see every recipient's message reach the sandbox exactly once."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from playwright.sync_api import expect

from broadcasts import dispatcher
from broadcasts.models import Broadcast, BroadcastStatus
from broadcasts.tests.factories_dispatch import sandbox_counts
from contacts.models import Contact
from isvplatform.testing.worker import wait_for
from messaging.tests.conftest import provision_tenant
from sandbox.core import callbacks as sandbox_callbacks
from tenants.tests.factories import TEST_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]
SAMPLE = Path(settings.BASE_DIR) / "static" / "contacts" / "sample-contacts.csv"
BAD_ROW = "call-me-maybe,Zed,Nobody,zed@example.com,loyalty,Nowhere\n"
LIVE = 45_000  # ms: the worker, the pace (3 a second) and the stream's polls in between
TEXT = "Hi {{first_name}}, your order is ready at the counter."


@pytest.fixture
def platform(live_server, settings, celery_worker_factory, tenant, owner):
    """The owner's tenant with a toll-free sender (3 messages a second), callbacks over HTTP
    to the live server, and a real worker on the test's queue."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.SANDBOX_CALLBACKS_INPROCESS = False
    provision_tenant(tenant)
    celery_worker_factory({"PUBLIC_BASE_URL": live_server.url})
    yield tenant
    sandbox_callbacks._session.close()


def sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def import_sample(page, csv_path: Path) -> None:
    page.goto("/contacts/import/")
    expect(page.get_by_role("link", name="Download a sample CSV")).to_have_attribute(
        "href", re.compile(r"sample-contacts\.csv$")
    )
    page.get_by_label("CSV file").set_input_files(str(csv_path))
    page.get_by_role("button", name="Upload and map columns").click()
    mapping = page.locator("#column-mapping")
    expect(mapping.get_by_label("phone", exact=True)).to_have_value("phone")
    expect(mapping.get_by_label("tags", exact=True)).to_have_value("tags")
    mapping.get_by_label("city", exact=True).select_option("")
    page.get_by_label("SMS").check()
    page.get_by_label("How their consent was collected").select_option("web_form")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#would-create")).to_have_text("40")
    expect(page.locator("#error-rows")).to_have_text("1")
    page.get_by_role("button", name="Start import").click()
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-status", "completed", timeout=LIVE)
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#created-count")).to_have_text("40")
    expect(page.locator("#error-count")).to_have_text("1")
    expect(page.locator("#import-errors-download")).to_be_visible()


def build_audience(page) -> None:
    page.goto("/audiences/new/")
    page.get_by_label("Name").fill("Loyalty members")
    page.get_by_label("Has any of the tags").fill("vip")
    expect(page.locator("#audience-count-value")).to_have_text("10")
    page.get_by_label("Has any of the tags").fill("loyalty")
    expect(page.locator("#audience-count-value")).to_have_text("40")
    page.get_by_role("button", name="Save audience").click()
    page.wait_for_url(re.compile(r"/audiences/[0-9a-f-]+/$"))


def write_broadcast(page) -> Broadcast:
    page.goto("/broadcasts/new/")
    page.get_by_label("Name").fill("Order ready")
    page.get_by_label("Purpose").select_option("transactional")
    page.get_by_label("Audience").select_option(label="Loyalty members")
    page.get_by_label("Text", exact=True).fill(TEXT)
    expect(page.locator("#broadcast-preview")).to_contain_text("Hi Ava")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"/broadcasts/[0-9a-f-]+/$"))
    return Broadcast.objects.get(pk=page.url.rstrip("/").rsplit("/", 1)[-1])


def counter(card, name: str):
    return card.locator(f"[data-counter='{name}']")


def test_import_audience_launch_pause_resume_with_live_progress(page, platform, owner):
    tenant = platform
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.context.set_default_timeout(20_000)
    csv_path = Path(settings.VAR_DIR) / f"contacts-{tenant.pk}.csv"
    csv_path.write_text(SAMPLE.read_text() + BAD_ROW)
    sign_in(page, owner)

    import_sample(page, csv_path)
    assert Contact.objects.for_tenant(tenant).count() == 40
    assert Contact.objects.for_tenant(tenant).get(phone="+12125550100").tag_list == [
        "espresso", "loyalty", "vip",
    ]  # fmt: skip
    build_audience(page)
    broadcast = write_broadcast(page)
    numbers = list(Contact.objects.for_tenant(tenant).values_list("phone", flat=True))

    page.get_by_role("button", name="Launch").click()
    card = page.locator("#broadcast-progress")
    expect(counter(card, "total")).to_have_text("40")
    page.evaluate("() => { window.sameDocument = true; }")
    expect(counter(card, "sent")).not_to_have_text("0", timeout=LIVE)
    assert page.evaluate("() => window.sameDocument") is True, "the card needed a reload"

    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#broadcast-status .badge")).to_have_text("Paused")
    expect(card.locator("[data-field='status']")).to_have_text("Paused")
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.PAUSED
    assert 0 < broadcast.sent < 40, "paused after the last batch: nothing left to stop"
    handed_over = broadcast.sent
    # The batch in flight at the pause reaches Twilio; then nothing more goes out, even
    # when the dispatcher runs again.
    wait_for(lambda: sum(sandbox_counts(numbers).values()) == handed_over, timeout=30)
    assert dispatcher.broadcast_dispatch(broadcast.pk).outcome == "not_sending"
    assert sum(sandbox_counts(numbers).values()) == handed_over
    expect(counter(card, "sent")).to_have_text(str(handed_over))
    expect(counter(card, "pending")).to_have_text(str(40 - handed_over))

    page.get_by_role("button", name="Resume").click()
    expect(page.locator("#broadcast-status .badge")).to_have_text("Sending")
    page.evaluate("() => { window.sameDocument = true; }")
    expect(card.locator("[data-field='status']")).to_have_text("Completed", timeout=LIVE)
    expect(counter(card, "sent")).to_have_text("40")
    expect(counter(card, "pending")).to_have_text("0")
    expect(card.locator("progress")).to_have_attribute("value", "100")
    assert page.evaluate("() => window.sameDocument") is True, "the card needed a reload"

    wait_for(lambda: sandbox_counts(numbers) == {n: 1 for n in numbers}, timeout=30)
    handset = page.context.new_page()
    handset.goto(f"/sandbox/handset/?number={quote('+12125550100')}")
    expect(handset.locator(".bubble .text", has_text="Hi Ava")).to_have_count(1)
    assert errors == []
