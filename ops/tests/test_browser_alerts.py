"""In Chromium: staff sign in to the admin, open the alerts page (all clear), and an alert
raised meanwhile appears without a reload (the panel's htmx polling), red for critical."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from isvplatform.models import WorkerHeartbeat
from ops import admin_dashboard, services
from tenants.tests.factories import TEST_PASSWORD, UserFactory
from twofactor import selectors
from twofactor.tests.helpers import confirmed_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_to_admin(page, user) -> None:
    device = confirmed_device(user)  # staff must have a second factor
    page.goto("/admin/login/?next=/admin/ops/alerts/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    code = selectors.totp_current_code(device, steps_ahead=1)
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/admin/ops/alerts/")


def test_a_live_alert_appears_on_the_open_staff_page(page, monkeypatch):
    monkeypatch.setattr(admin_dashboard, "POLL_SECONDS", 1)
    staff = UserFactory(is_staff=True, email="oncall@example.com")
    beat = WorkerHeartbeat.objects.create(name="worker", last_seen_at=timezone.now())
    services.evaluate_all()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in_to_admin(page, staff)
    expect(page.locator("#ops-all-clear")).to_be_visible()

    beat.last_seen_at = timezone.now() - timedelta(minutes=9)
    beat.save()
    services.evaluate_all()

    row = page.locator("#ops-open-alerts tr[data-kind='worker_heartbeat']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Worker heartbeat lost")
    expect(row).to_contain_text("last seen 9 minutes ago")
    badge = row.locator(".ops-severity")
    expect(badge).to_have_text("Critical")
    color = badge.evaluate("el => getComputedStyle(el).backgroundColor")
    assert color == "rgb(186, 33, 33)"
    expect(page.locator("#ops-all-clear")).to_have_count(0)
    assert errors == []
