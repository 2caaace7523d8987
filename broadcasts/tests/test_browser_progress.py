"""The progress card of a broadcast follows the broadcast live in a real browser, without a
reload: counters, bar, status line and charts move as the counters move in the database."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from broadcasts.models import Broadcast, BroadcastFailure, BroadcastStatus
from broadcasts.tests.factories import BroadcastFactory
from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LIVE = 30_000  # ms: generous, the stream reconnects every second in the suite


def sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_the_progress_card_updates_live(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    broadcast = BroadcastFactory(
        tenant=owner.tenant, status=BroadcastStatus.SENDING, total=4, pending=4,
        launched_at=timezone.now(),
    )  # fmt: skip
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, owner.user)
    page.goto(f"/broadcasts/{broadcast.pk}/")
    card = page.locator("#broadcast-progress")
    expect(card.locator("[data-counter='pending']")).to_have_text("4")
    page.evaluate("() => { window.sameDocument = true; }")

    BroadcastFailure.objects.create(
        tenant=owner.tenant, broadcast=broadcast, error_code="30007", count=1
    )
    Broadcast.objects.filter(pk=broadcast.pk).update(
        pending=1, sent=3, delivered=2, failed=1, filtered=1, updated_at=timezone.now()
    )
    expect(card.locator("[data-counter='sent']")).to_have_text("3", timeout=LIVE)
    expect(card.locator("[data-counter='pending']")).to_have_text("1")
    expect(card.locator("[data-counter='delivered']")).to_have_text("2")
    expect(card.locator("[data-field='percent-done']")).to_have_text("75.0")
    expect(card.locator("progress")).to_have_attribute("value", "75")
    expect(card.locator("[data-field='failures']")).to_contain_text("carrier filtered")

    Broadcast.objects.filter(pk=broadcast.pk).update(
        pending=0, sent=4, delivered=3, status=BroadcastStatus.COMPLETED,
        completed_at=timezone.now(), updated_at=timezone.now(),
    )  # fmt: skip
    expect(card.locator("[data-field='status']")).to_have_text("Completed", timeout=LIVE)
    expect(card.locator("[data-field='connection']")).to_have_text("Final")
    expect(page.locator("#broadcast-status .badge")).to_have_text("Completed")
    expect(card.locator("[data-field='reload']")).to_be_visible()

    assert page.evaluate("() => window.sameDocument") is True, "the page reloaded"
    assert page.evaluate("() => Object.keys(Chart.instances).length") == 2
    assert errors == []


def test_without_event_source_the_card_polls_the_status(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    broadcast = BroadcastFactory(
        tenant=owner.tenant, status=BroadcastStatus.SENDING, total=2, pending=2,
        launched_at=timezone.now(),
    )  # fmt: skip
    page.add_init_script("delete window.EventSource;")
    sign_in(page, owner.user)
    page.goto(f"/broadcasts/{broadcast.pk}/")
    card = page.locator("#broadcast-progress")
    expect(card.locator("[data-field='connection']")).to_have_text("Updated every few seconds")

    Broadcast.objects.filter(pk=broadcast.pk).update(
        pending=0, sent=2, status=BroadcastStatus.PAUSED, pause_reason="manual",
        updated_at=timezone.now(),
    )  # fmt: skip
    expect(card.locator("[data-counter='sent']")).to_have_text("2", timeout=LIVE)
    expect(card.locator("[data-field='status-line']")).to_have_text("Paused — Paused by a person")
