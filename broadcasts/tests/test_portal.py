"""The portal pages: list, form with the live per-recipient preview, detail with actions,
progress card, timeline and recipients, settings; other tenants' broadcasts are 404s."""

import datetime as dt

import pytest
from django.core import mail

from broadcasts.models import Broadcast, BroadcastRecipient, BroadcastSettings
from broadcasts.tests.factories import BroadcastFactory

pytestmark = pytest.mark.django_db


def _form(audience, **overrides):
    return {
        "name": "Spring sale",
        "channel": "sms",
        "purpose": "marketing",
        "audience": str(audience.pk),
        "sender": "",
        "body": "Hi {{first_name|there}}!",
        "template": "",
        "template_variables_text": "",
        "scheduled_at": "",
        **overrides,
    }


def test_create_launch_pause_resume_cancel_from_the_portal(portal, tenant, audience_of, consented):
    contacts = consented(2)
    audience = audience_of(contacts)
    page = portal.get("/broadcasts/new/")
    assert page.status_code == 200 and b"broadcast-form" in page.content
    assert b"{{first_name}}" in page.content  # the variable hints

    preview = portal.post("/broadcasts/preview/", _form(audience))
    assert preview.status_code == 200
    assert f"Hi {contacts[0].first_name}!".encode() in preview.content
    assert b'id="audience-size">2<' in preview.content

    saved = portal.post("/broadcasts/new/", _form(audience))
    broadcast = Broadcast.objects.get(tenant=tenant)
    assert saved.status_code == 302 and saved["Location"] == f"/broadcasts/{broadcast.pk}/"

    detail = portal.get(f"/broadcasts/{broadcast.pk}/")
    assert (
        b'id="broadcast-progress"' in detail.content and b'id="launch-broadcast"' in detail.content
    )

    portal.post(f"/broadcasts/{broadcast.pk}/launch/")
    detail = portal.get(f"/broadcasts/{broadcast.pk}/")
    assert b'id="pause-broadcast"' in detail.content
    assert b'data-counter="total">2<' in detail.content
    assert detail.content.count(b'<td class="mono">+1') == 2  # the recipients table
    csv = b"".join(portal.get(f"/broadcasts/{broadcast.pk}/recipients.csv").streaming_content)
    lines = csv.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("address,first_name") and len(lines) == 3
    assert {line.split(",")[0] for line in lines[1:]} == {c.phone for c in contacts}
    portal.post(f"/broadcasts/{broadcast.pk}/pause/")
    assert b'id="resume-broadcast"' in portal.get(f"/broadcasts/{broadcast.pk}/").content
    portal.post(f"/broadcasts/{broadcast.pk}/resume/")
    portal.post(f"/broadcasts/{broadcast.pk}/cancel/")
    broadcast.refresh_from_db()
    assert broadcast.status == "cancelled"
    timeline = portal.get(f"/broadcasts/{broadcast.pk}/").content.decode()
    for words in ("Sending", "Paused", "Cancelled"):
        assert words in timeline

    listing = portal.get("/broadcasts/?status=cancelled")
    assert b"Spring sale" in listing.content and b"Cancelled" in listing.content


def test_form_errors_name_the_field(portal, audience_of):
    response = portal.post("/broadcasts/new/", _form(audience_of([]), body="Hi {{nickname}}"))
    assert response.status_code == 400
    assert b"Unknown variable {{nickname}}" in response.content
    assert not Broadcast.objects.exists()


def test_a_wrong_action_says_why(portal, tenant):
    broadcast = BroadcastFactory(tenant=tenant)
    response = portal.post(f"/broadcasts/{broadcast.pk}/pause/", follow=True)
    assert b"A draft broadcast can&#x27;t be paused." in response.content


def test_other_tenants_broadcasts_are_404(portal, other_tenant):
    theirs = BroadcastFactory(tenant=other_tenant)
    assert portal.get(f"/broadcasts/{theirs.pk}/").status_code == 404
    assert portal.get(f"/broadcasts/{theirs.pk}/edit/").status_code == 404
    assert portal.get(f"/broadcasts/{theirs.pk}/recipients.csv").status_code == 404
    assert portal.post(f"/broadcasts/{theirs.pk}/launch/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_settings_page(portal, tenant):
    assert portal.get("/broadcasts/settings/").status_code == 200
    response = portal.post(
        "/broadcasts/settings/",
        {"opt_out_pause_rate": "0.03", "filtering_pause_rate": "0.05", "min_sample": "20"},
    )
    assert response.status_code == 302
    saved = BroadcastSettings.objects.get(tenant=tenant)
    assert (str(saved.opt_out_pause_rate), saved.min_sample) == ("0.0300", 20)
    assert len(mail.outbox) == 0


def test_nav_has_broadcasts(portal):
    assert b'href="/broadcasts/"' in portal.get("/broadcasts/").content


def test_a_deferred_recipient_shows_its_opening_in_its_own_time(portal, tenant, consented):
    contact = consented(1, time_zone="America/Chicago")[0]
    broadcast = BroadcastFactory(tenant=tenant, status="sending", total=1, pending=1)
    opening = dt.datetime(2026, 3, 9, 13, 0, tzinfo=dt.UTC)  # 08:00 in Chicago (CDT)
    BroadcastRecipient.objects.create(
        tenant=tenant, broadcast=broadcast, contact=contact, address=contact.phone,
        not_before=opening,
    )  # fmt: skip
    page = portal.get(f"/broadcasts/{broadcast.pk}/")
    assert b"deferred until 08:00 recipient time (America/Chicago)" in page.content
