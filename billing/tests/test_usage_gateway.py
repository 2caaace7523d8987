"""The gateway's read of every usage category per day, against the sandbox's Usage Records
(which, like Twilio, lists every category when none is asked for)."""

import datetime as dt

import pytest

from billing import periods
from isvplatform import gateway
from messaging.services import message_send
from messaging.tests.conftest import HANDSET, advance, provision_tenant
from provisioning.accounts import tenant_account
from sandbox.resources.usage.records import CATEGORIES
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def test_every_category_of_every_day_is_read_across_pages(
    tenant, django_capture_on_commit_callbacks
):
    provisioned = provision_tenant(tenant)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(tenant=tenant, to=HANDSET, body="hello", actor=Actor.system())
    with django_capture_on_commit_callbacks(execute=True):
        advance(5, rounds=4)
    client = tenant_account(tenant).client()
    today = periods.today()
    start = today - dt.timedelta(days=2)

    days = gateway.list_usage_days(client, start_date=start, end_date=today)
    paged = gateway.list_usage_days(client, start_date=start, end_date=today, page_size=7)

    assert paged == days
    assert len(days) == len(CATEGORIES) * 3
    assert {(d.category, d.day) for d in days} == {
        (name, start + dt.timedelta(days=n)) for name in CATEGORIES for n in range(3)
    }
    found = {(d.category, d.day): d for d in days}
    sms = found[("sms-outbound", today)]
    assert (sms.count, sms.usage, str(sms.price), sms.price_unit) == (1, 1, "0.0079", "USD")
    assert found[("sms", today)].count == 1  # a parent category, beside its leaves
    assert found[("sms-outbound", start)].count == 0
    assert str(found[("totalprice", today)].price) == "2.1579"
    # The one-category read still answers the same figures.
    [one] = gateway.list_daily_usage(
        client, category="sms-outbound", start_date=today, end_date=today
    )
    assert one == sms
    assert provisioned.sub.sid == client.account_sid
