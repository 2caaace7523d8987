"""Quiet hours: 8:00 to 21:00 recipient time (TCPA), 8:00 to 20:00 in Florida and Oklahoma,
exact across DST changes; the dispatcher defers, never drops, and wakes on time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from broadcasts import dispatcher
from broadcasts.models import BroadcastRecipient
from broadcasts.quiet_hours import Locale, locale_for, next_opening
from broadcasts.tests.factories_dispatch import consented_contacts, sending_broadcast
from messaging.tests.conftest import provision_tenant

UTC = dt.UTC
NEW_YORK = ZoneInfo("America/New_York")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_inside_the_federal_window_nothing_waits():
    locale = Locale(NEW_YORK, "")
    assert next_opening(at("2026-06-01T16:00"), locale) is None  # 12:00 EDT
    assert next_opening(at("2026-06-02T00:59"), locale) is None  # 20:59 EDT


def test_after_21_the_recipient_waits_for_8_the_next_morning():
    opening = next_opening(at("2026-06-02T01:30"), Locale(NEW_YORK, ""))  # 21:30 EDT
    assert opening == dt.datetime(2026, 6, 2, 8, 0, tzinfo=NEW_YORK)
    assert opening.astimezone(UTC) == at("2026-06-02T12:00")


def test_spring_forward_the_opening_is_8_local_on_daylight_time():
    # 2026-03-08: clocks jump 02:00 -> 03:00 in New York. At 01:30 EST (06:30 UTC) the
    # window opens at 08:00 EDT, which is 12:00 UTC (not 13:00 as on the day before).
    opening = next_opening(at("2026-03-08T06:30"), Locale(NEW_YORK, ""))
    assert opening.astimezone(UTC) == at("2026-03-08T12:00")
    before = next_opening(at("2026-03-07T06:30"), Locale(NEW_YORK, ""))
    assert before.astimezone(UTC) == at("2026-03-07T13:00")


def test_fall_back_the_opening_is_8_local_on_standard_time():
    # 2026-11-01: clocks fall back 02:00 -> 01:00. 08:00 EST is 13:00 UTC that morning.
    opening = next_opening(at("2026-11-01T05:30"), Locale(NEW_YORK, ""))  # 01:30 EDT
    assert opening.astimezone(UTC) == at("2026-11-01T13:00")
    # 20:30 EST on 1 November is 01:30 UTC the next day: inside the window still.
    assert next_opening(at("2026-11-02T01:30"), Locale(NEW_YORK, "")) is None
    assert next_opening(at("2026-11-02T02:00"), Locale(NEW_YORK, "")).astimezone(UTC) == at(
        "2026-11-02T13:00"
    )


def test_florida_closes_at_20():
    florida = locale_for(phone="+13055550123")  # Miami: zone and state from the number
    assert florida == Locale(NEW_YORK, "US-FL")
    evening = at("2026-06-02T00:30")  # 20:30 EDT
    assert next_opening(evening, florida) == dt.datetime(2026, 6, 2, 8, 0, tzinfo=NEW_YORK)
    assert next_opening(evening, Locale(NEW_YORK, "")) is None  # New York: still open


def test_oklahoma_closes_at_20_central_time():
    oklahoma = locale_for(phone="+14055550123")
    assert oklahoma == Locale(ZoneInfo("America/Chicago"), "US-OK")
    assert next_opening(at("2026-06-02T00:30"), oklahoma) is None  # 19:30 CDT
    assert next_opening(at("2026-06-02T01:05"), oklahoma) is not None  # 20:05 CDT


def test_the_contacts_zone_and_region_win_over_the_number_and_unknown_is_eastern(settings):
    chosen = locale_for(phone="+13055550123", time_zone="Europe/Lisbon", region="")
    assert chosen == Locale(ZoneInfo("Europe/Lisbon"), "US-FL")
    # A toll-free number maps to many zones: the default (US Eastern) applies.
    assert locale_for(phone="+18335550100").zone == NEW_YORK
    settings.BROADCAST_DEFAULT_TIME_ZONE = "America/Denver"
    assert locale_for(phone="+18335550100", time_zone="Not/AZone").zone == ZoneInfo(
        "America/Denver"
    )


def _zone_at_local_hour(hour: int) -> str:
    """A fixed-offset zone where it is now `hour` o'clock (the test runs at any time)."""
    now = timezone.now()
    for offset in range(-12, 15):
        if (now + dt.timedelta(hours=offset)).hour == hour:
            return f"Etc/GMT{-offset:+d}" if offset else "UTC"
    raise AssertionError("no zone found")


@pytest.fixture
def unpaced(settings):
    settings.BROADCAST_PACING = False


def test_marketing_recipients_at_night_are_deferred_then_woken(
    tenant, unpaced, django_capture_on_commit_callbacks
):
    provisioned = provision_tenant(tenant)
    night = consented_contacts(tenant, 2, time_zone=_zone_at_local_hour(3), region="")
    day = consented_contacts(tenant, 1, start=50, time_zone=_zone_at_local_hour(12), region="")
    broadcast = sending_broadcast(
        provisioned.tenant, night + day, django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = dispatcher.broadcast_dispatch(broadcast.pk)
    assert (result.outcome, result.queued) == ("waiting", 1)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.sent, broadcast.deferred, broadcast.pending) == (
        "sending", 1, 2, 2,
    )  # fmt: skip
    waiting = BroadcastRecipient.objects.filter(broadcast=broadcast, status="pending")
    opening = waiting.first().not_before
    assert dt.timedelta(hours=4) < opening - timezone.now() <= dt.timedelta(hours=5)
    assert dispatcher.wake_all_deferred(now=opening - dt.timedelta(minutes=1)) == []
    assert dispatcher.wake_all_deferred(now=opening) == [broadcast.pk]
    broadcast.refresh_from_db()
    assert broadcast.deferred == 0 and not waiting.filter(not_before__isnull=False).exists()


def test_transactional_broadcasts_keep_no_quiet_hours(
    tenant, unpaced, django_capture_on_commit_callbacks
):
    provisioned = provision_tenant(tenant)
    night = consented_contacts(tenant, 2, time_zone=_zone_at_local_hour(3), region="")
    broadcast = sending_broadcast(
        provisioned.tenant, night, django_capture_on_commit_callbacks, purpose="transactional"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatcher.broadcast_dispatch(broadcast.pk).outcome == "completed"
    broadcast.refresh_from_db()
    assert (broadcast.sent, broadcast.deferred) == (2, 0)
