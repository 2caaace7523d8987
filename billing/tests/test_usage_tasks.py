"""The usage beat jobs: one sync per tenant fanned out (once however many beats fire), the
closed days re-read and yesterday's anomalies judged, Twilio trouble retried."""

import datetime as dt
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.core.cache import cache

from billing import periods
from billing.categories import TOTAL
from billing.models import SpendAnomaly, UsageRecord
from billing.tasks.usage import (
    sync_tenant_usage_task,
    sync_usage_closed_days_task,
    sync_usage_today_task,
)
from billing.tests.factories import UsageRecordFactory
from isvplatform import gateway
from messaging.services import message_send
from messaging.tests.conftest import HANDSET, advance, provision_tenant
from sandbox import faults
from tenants.services import Actor
from tenants.tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def provisioned(tenant, on_commit):
    provisioned = provision_tenant(tenant)
    on_commit(message_send, tenant=tenant, to=HANDSET, body="hello", actor=Actor.system())
    on_commit(advance, 5, rounds=4)
    yield provisioned
    faults.reset()


def test_the_hourly_job_syncs_today_for_every_tenant_once(provisioned, on_commit):
    assert on_commit(sync_usage_today_task) == 1
    records = UsageRecord.objects.for_tenant(provisioned.tenant)
    assert set(records.values_list("category", flat=True)) == {
        "sms-outbound",
        "phonenumbers-tollfree",
        TOTAL,
    }
    assert set(records.values_list("day", flat=True)) == {periods.today()}

    cache.add("billing:cron:sync-usage-today", "1", timeout=60)  # another beat is running
    try:
        assert on_commit(sync_usage_today_task) is None
    finally:
        cache.delete("billing:cron:sync-usage-today")


def test_the_daily_job_rereads_closed_days_then_judges_yesterday(provisioned, on_commit, settings):
    settings.BILLING_USAGE_CLOSED_DAYS = 3
    settings.BILLING_STAFF_EMAILS = ["ops@example.com"]
    yesterday = periods.today() - dt.timedelta(days=1)
    sid = provisioned.sub.sid
    stale = UsageRecordFactory(tenant=provisioned.tenant, account_sid=sid, day=yesterday)
    too_old = UsageRecordFactory(
        tenant=provisioned.tenant, account_sid=sid, day=yesterday - dt.timedelta(days=3)
    )
    spender = TenantFactory()  # no subaccount: not synced, but judged on its stored rows
    for n in range(1, 15):
        UsageRecordFactory(tenant=spender, category=TOTAL, day=yesterday - dt.timedelta(days=n))
    UsageRecordFactory(tenant=spender, category=TOTAL, day=yesterday, price=Decimal("5"))

    assert on_commit(sync_usage_closed_days_task) == 1

    stale.refresh_from_db()
    too_old.refresh_from_db()
    assert (stale.count, stale.price, stale.closed) == (0, 0, True)
    assert too_old.count == 10  # outside the re-read window
    assert not UsageRecord.objects.for_tenant(provisioned.tenant).filter(day=periods.today())
    [anomaly] = SpendAnomaly.objects.for_tenant(spender)
    assert anomaly.day == yesterday and anomaly.alerted_at is not None


def test_twilio_trouble_is_retried_and_a_later_run_syncs(provisioned, settings):
    settings.TWILIO_MAX_RETRIES = 0
    today = periods.today().isoformat()
    args = [provisioned.tenant.pk, today, today]
    with (
        faults.injected(rate_429=1.0, path_pattern="Usage/Records"),
        pytest.raises((Retry, gateway.RetryableGatewayError)),
    ):
        sync_tenant_usage_task.apply(args=args)
    assert not UsageRecord.objects.for_tenant(provisioned.tenant).exists()
    result = sync_tenant_usage_task.apply(args=args).get()
    assert result == {"created": 3, "updated": 0, "unchanged": 0, "drifts": 0}
    assert sync_tenant_usage_task.apply(args=[0, today, today]).get() is None
