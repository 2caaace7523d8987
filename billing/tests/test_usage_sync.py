"""Usage sync against the sandbox's records after real sends: the totals match Twilio's and
the messages' prices, a re-run writes nothing, a drift is flagged, tenants stay apart."""

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.db.models import Sum

from billing import periods, selectors
from billing.categories import TOTAL
from billing.models import UsageRecord
from billing.services import usage_sync
from billing.services.usage_sync import SyncResult
from billing.tests.factories import UsageRecordFactory
from messaging.models import Message
from messaging.services import message_send
from messaging.tests.conftest import HANDSET, advance, provision_tenant
from provisioning.models import TwilioSubaccount
from provisioning.tests.factories import SubaccountFactory
from sandbox.models import UsageEntry
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
def provisioned(tenant):
    return provision_tenant(tenant)


def send(on_commit, provisioned, *bodies: str) -> list[Message]:
    """Real sends through the sandbox, advanced until delivered and priced."""
    messages = [
        on_commit(
            message_send, tenant=provisioned.tenant, to=HANDSET, body=body, actor=Actor.system()
        )
        for body in bodies
    ]
    on_commit(advance, 5, rounds=4)
    for message in messages:
        message.refresh_from_db()
        assert message.status == "delivered" and message.price is not None
    return messages


def sync(tenant) -> SyncResult:
    today = periods.today()
    return usage_sync.usage_sync(tenant.pk, start=today, end=today)


def ledger(account_sid: str, category: str | None = None) -> dict:
    entries = UsageEntry.objects.filter(account_sid=account_sid, day=periods.today())
    if category:
        entries = entries.filter(category=category)
    return entries.aggregate(count=Sum("count"), usage=Sum("usage"), price=Sum("price"))


def rows(tenant):
    return UsageRecord.objects.for_tenant(tenant)


def test_the_synced_totals_match_the_sandbox_and_the_messages_prices(on_commit, provisioned):
    tenant, sid = provisioned.tenant, provisioned.sub.sid
    messages = send(on_commit, provisioned, "Your order shipped", "b" * 200)

    result = sync(tenant)

    sms = rows(tenant).get(category="sms-outbound")
    at_twilio = ledger(sid, "sms-outbound")
    assert (sms.account_sid, sms.day, sms.closed) == (sid, periods.today(), False)
    assert (sms.count, sms.usage, sms.price) == (2, 3, at_twilio["price"])
    assert sms.price == sum(m.price for m in messages) == Decimal("0.0237")
    assert (sms.platform_price, sms.drift, sms.drift_flagged) == (sms.price, 0, False)
    numbers = rows(tenant).get(category="phonenumbers-tollfree")
    assert (numbers.count, numbers.price, numbers.platform_price) == (1, Decimal("2.15"), None)
    total = rows(tenant).get(category=TOTAL)
    assert total.price == ledger(sid)["price"] == Decimal("2.1737")
    # The leaves add up to Twilio's own total; empty categories are not stored.
    today = periods.today()
    leaves = selectors.usage_totals(tenant, today, today)
    assert set(leaves) == {"sms-outbound", "phonenumbers-tollfree"}
    assert sum(t.price for t in leaves.values()) == selectors.twilio_total(tenant, today, today)
    assert result == SyncResult(created=3, updated=0, unchanged=0, drifts=0)


def test_a_re_run_writes_nothing_and_a_new_send_updates(on_commit, provisioned):
    tenant = provisioned.tenant
    send(on_commit, provisioned, "first")
    sync(tenant)
    before = {r.pk: (r.fetched_at, r.price) for r in rows(tenant)}

    assert sync(tenant) == SyncResult(created=0, updated=0, unchanged=3, drifts=0)
    assert {r.pk: (r.fetched_at, r.price) for r in rows(tenant)} == before

    send(on_commit, provisioned, "second")
    assert sync(tenant) == SyncResult(created=0, updated=2, unchanged=1, drifts=0)
    sms = rows(tenant).get(category="sms-outbound")
    assert (sms.count, sms.price, sms.drift) == (2, Decimal("0.0158"), 0)
    assert rows(tenant).count() == 3


def test_a_stored_price_that_differs_from_twilios_is_flagged_once(on_commit, provisioned, caplog):
    tenant = provisioned.tenant
    [message] = send(on_commit, provisioned, "hello")
    Message.objects.filter(pk=message.pk).update(price=Decimal("0.5079"))

    with caplog.at_level(logging.WARNING, logger="billing.services.usage_sync"):
        result = sync(tenant)
    sms = rows(tenant).get(category="sms-outbound")
    assert (sms.platform_price, sms.drift, sms.drift_flagged) == (
        Decimal("0.5079"),
        Decimal("-0.5"),
        True,
    )
    assert result.drifts == 1
    assert [r.message for r in caplog.records if "usage drift" in r.message]

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="billing.services.usage_sync"):
        assert sync(tenant).drifts == 1  # still flagged, no new warning
    assert not caplog.records

    Message.objects.filter(pk=message.pk).update(price=Decimal("0.0079"))
    assert sync(tenant).updated == 1
    sms.refresh_from_db()
    assert (sms.drift, sms.drift_flagged) == (0, False)


def test_a_small_drift_stays_under_the_thresholds(on_commit, provisioned, settings):
    [message] = send(on_commit, provisioned, "hello")
    Message.objects.filter(pk=message.pk).update(price=Decimal("0.0090"))
    sync(provisioned.tenant)
    sms = rows(provisioned.tenant).get(category="sms-outbound")
    assert (sms.drift, sms.drift_flagged) == (Decimal("-0.0011"), False)
    settings.BILLING_DRIFT_MIN_AMOUNT = "0"
    sync(provisioned.tenant)
    sms.refresh_from_db()
    assert sms.drift_flagged  # 0.0011 is beyond 2% of 0.0079, and now any amount counts


def test_a_tenants_sync_never_writes_another_tenants_rows(on_commit, provisioned, other_tenant):
    other = provision_tenant(other_tenant)
    send(on_commit, provisioned, "mine")
    send(on_commit, other, "theirs", "theirs too")

    sync(provisioned.tenant)
    assert not rows(other_tenant).exists()
    sync(other_tenant)
    mine = rows(provisioned.tenant).get(category="sms-outbound")
    theirs = rows(other_tenant).get(category="sms-outbound")
    assert (mine.count, mine.platform_price, mine.account_sid) == (
        1,
        Decimal("0.0079"),
        provisioned.sub.sid,
    )
    assert (theirs.count, theirs.platform_price, theirs.account_sid) == (
        2,
        Decimal("0.0158"),
        other.sub.sid,
    )
    assert sync(provisioned.tenant).unchanged == 3


def test_a_stored_day_that_twilio_now_reports_empty_is_zeroed_and_closed(provisioned):
    tenant = provisioned.tenant
    yesterday = periods.today() - dt.timedelta(days=1)
    stale = UsageRecordFactory(
        tenant=tenant, account_sid=provisioned.sub.sid, day=yesterday, category="mms-outbound"
    )
    result = usage_sync.usage_sync(tenant.pk, start=yesterday, end=yesterday)
    stale.refresh_from_db()
    assert (stale.count, stale.price, stale.platform_price, stale.closed) == (0, 0, 0, True)
    assert result == SyncResult(created=0, updated=1, unchanged=0, drifts=0)


def test_an_overlapping_run_that_lost_the_race_updates_instead_of_duplicating(provisioned):
    tenant = provisioned.tenant
    key = (provisioned.sub.sid, "sms-inbound", periods.today())
    figures = {
        "count": 1,
        "usage": Decimal(1),
        "price": Decimal("0.0079"),
        "currency": "USD",
        "platform_price": None,
        "drift": None,
        "drift_flagged": False,
    }
    assert usage_sync._write(tenant, key, None, figures, closed=False) == "created"
    # A second run that read no row before the first wrote it:
    assert usage_sync._write(tenant, key, None, figures, closed=False) == "unchanged"
    figures["count"] = 2
    assert usage_sync._write(tenant, key, None, figures, closed=False) == "updated"
    assert rows(tenant).filter(category="sms-inbound").get().count == 2


def test_only_tenants_with_an_active_subaccount_are_synced(provisioned):
    SubaccountFactory(tenant=TenantFactory(), status=TwilioSubaccount.Status.SUSPENDED)
    SubaccountFactory(tenant=TenantFactory(), status=TwilioSubaccount.Status.PENDING, sid=None)
    assert usage_sync.tenants_to_sync() == [provisioned.tenant.pk]
    no_account = TenantFactory()
    assert (
        usage_sync.usage_sync(no_account.pk, start=periods.today(), end=periods.today())
        == SyncResult()
    )


def test_a_message_with_media_counts_as_mms(on_commit, provisioned):
    tenant = provisioned.tenant
    message = on_commit(
        message_send,
        tenant=tenant,
        to=HANDSET,
        body="Your receipt",
        media_urls=["https://example.com/receipt.png"],
        actor=Actor.system(),
    )
    send(on_commit, provisioned, "plain text")
    message.refresh_from_db()
    assert message.price == Decimal("0.02")
    sync(tenant)
    mms = rows(tenant).get(category="mms-outbound")
    sms = rows(tenant).get(category="sms-outbound")
    assert (mms.count, mms.price, mms.platform_price, mms.drift) == (
        1,
        message.price,
        message.price,
        0,
    )
    assert (sms.count, sms.platform_price, sms.drift) == (1, Decimal("0.0079"), 0)
