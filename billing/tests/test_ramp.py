"""Ramp-up: the daily limit rises day by day while the tenant sends cleanly, and it holds
(with the reason) when the opt-out or error rate is high; a review runs once per day."""

import datetime as dt

import pytest
from django.core.cache import cache

from billing import periods
from billing.models import RampStep, SendingQuota
from billing.services.quotas import quota_admission, quota_for
from billing.services.ramp import ramp_review
from billing.tasks.quotas import review_ramps_task
from messaging.models import Message, OptOut, Status
from messaging.tests.factories import MessageFactory, OptOutFactory

LEVELS = [100, 250, 500, 750, 1500, 2250, 3000]
DAY = dt.date(2026, 11, 2)


@pytest.fixture
def ramp_on(settings):
    settings.BILLING_RAMP_UP_LEVELS = LEVELS
    settings.BILLING_RAMP_UP_CHANNELS = ["sms"]
    settings.BILLING_RAMP_MIN_USE = 1.0
    settings.BROADCAST_BUCKET_BACKEND = "db"
    cache.clear()
    yield
    cache.clear()


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def sent_on(tenant, day: dt.date, count: int, **kwargs) -> list[Message]:
    """`count` outbound SMS of `tenant` created that day (one insert)."""
    built = MessageFactory.build_batch(count, tenant=tenant, created_at=at(day), **kwargs)
    return Message.objects.bulk_create(built)


def opted_out_on(tenant, day: dt.date, count: int) -> None:
    for _ in range(count):
        OptOutFactory(tenant=tenant, source=OptOut.Source.KEYWORD, created_at=at(day, 18))


def test_the_limit_rises_day_by_day_while_the_tenant_uses_it(tenant, ramp_on):
    quota = quota_for(tenant, "sms")
    assert (quota.ramp_level, quota.daily_limit) == (1, 100)
    limits = []
    for offset in range(3):
        day = DAY + dt.timedelta(days=offset)
        sent_on(tenant, day, quota.daily_limit)
        step = ramp_review(tenant.pk, day)
        assert step.reason == ""
        quota.refresh_from_db()
        limits.append((step.from_level, step.to_level, quota.daily_limit))
    assert limits == [(1, 2, 250), (2, 3, 500), (3, 4, 750)]
    assert quota.ramp_reviewed_on == DAY + dt.timedelta(days=2)
    assert quota_admission(tenant, channel="sms", count=1000, origin="api").granted == 750


def test_it_holds_with_the_reason_when_the_opt_out_rate_is_high(tenant, ramp_on):
    quota = quota_for(tenant, "sms")
    sent_on(tenant, DAY, 100)
    opted_out_on(tenant, DAY, 5)
    step = ramp_review(tenant.pk, DAY)
    quota.refresh_from_db()
    assert (step.from_level, step.to_level, quota.daily_limit) == (1, 1, 100)
    assert str(step.opt_out_rate) == "0.0500"
    assert step.reason == "Opt-out rate 5.0% is above 2.0%."
    assert quota.ramp_held_reason == step.reason
    # The next clean day moves it up.
    sent_on(tenant, DAY + dt.timedelta(days=1), 100)
    step = ramp_review(tenant.pk, DAY + dt.timedelta(days=1))
    assert (step.to_level, step.daily_limit, step.reason) == (2, 250, "")


def test_it_holds_when_the_error_rate_is_high_or_the_limit_was_not_used(tenant, ramp_on):
    quota_for(tenant, "sms")
    sent_on(tenant, DAY, 90)
    sent_on(tenant, DAY, 10, status=Status.UNDELIVERED)
    step = ramp_review(tenant.pk, DAY)
    assert (step.to_level, step.reason) == (1, "Error rate 10.0% is above 5.0%.")
    sent_on(tenant, DAY + dt.timedelta(days=1), 40)
    step = ramp_review(tenant.pk, DAY + dt.timedelta(days=1))
    assert step.to_level == 1
    assert step.reason == "Sent 40 of the 100 allowed; 100 needed to move up."


def test_system_messages_and_other_days_do_not_count(tenant, ramp_on):
    quota_for(tenant, "sms")
    sent_on(tenant, DAY, 60)
    sent_on(tenant, DAY, 40, origin=Message.Origin.SYSTEM)
    sent_on(tenant, DAY + dt.timedelta(days=1), 40)
    step = ramp_review(tenant.pk, DAY)
    assert (step.sent, step.to_level) == (60, 1)


def test_a_review_runs_once_per_day(tenant, ramp_on):
    quota_for(tenant, "sms")
    sent_on(tenant, DAY, 100)
    first = ramp_review(tenant.pk, DAY)
    again = ramp_review(tenant.pk, DAY)
    assert again.pk == first.pk
    assert RampStep.objects.for_tenant(tenant).count() == 1
    assert SendingQuota.objects.for_tenant(tenant).get().ramp_level == 2
    assert ramp_review(tenant.pk, DAY - dt.timedelta(days=1)) is None


def test_past_the_last_level_the_tenant_leaves_the_ramp(tenant, ramp_on, settings):
    settings.BILLING_RAMP_MIN_USE = 0.01
    quota = quota_for(tenant, "sms")
    SendingQuota.objects.filter(pk=quota.pk).update(ramp_level=7, daily_limit=3000)
    sent_on(tenant, DAY, 30)
    step = ramp_review(tenant.pk, DAY)
    quota.refresh_from_db()
    # LC Phone's level 8, "3000+": no daily quota from the ramp any more.
    assert (step.from_level, step.to_level, step.daily_limit) == (7, 8, None)
    assert (quota.ramp_level, quota.daily_limit) == (None, None)
    assert ramp_review(tenant.pk, DAY + dt.timedelta(days=1)) is None


def test_the_beat_job_reviews_yesterday_for_every_ramping_quota(tenant, other_tenant, ramp_on):
    quota_for(tenant, "sms")
    SendingQuota.objects.create(tenant=other_tenant, channel="sms", daily_limit=50)
    assert review_ramps_task.apply().get() == 1
    step = RampStep.objects.for_tenant(tenant).get()
    assert step.reviewed_on == periods.today() - dt.timedelta(days=1)
    assert not RampStep.objects.for_tenant(other_tenant).exists()
