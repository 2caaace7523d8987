"""Billing periods: calendar months in UTC. A period is named by its key ("2026-12"), a
day by its ISO date ("2026-12-01"), which is also a daily limit's period key."""

import calendar
import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


def period_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def period_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_period_start(day: dt.date) -> dt.date:
    return period_end(day) + dt.timedelta(days=1)


def previous_period_start(day: dt.date) -> dt.date:
    return period_start(period_start(day) - dt.timedelta(days=1))


def period_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def day_key(day: dt.date) -> str:
    return day.isoformat()


def period_days(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]
