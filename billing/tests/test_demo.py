"""`make run`'s billing demo: the Growth and Starter plans, Demo Coffee on Growth with a soft
and a hard monthly spend limit, order-update SMS sent through the sandbox, their usage
synced into usage records and priced on the running statement; and a cap hit on purpose."""

from decimal import Decimal

import pytest

from billing import periods
from billing.demo import (
    DEMO_SMS,
    GROWTH,
    HARD_LIMIT,
    SOFT_LIMIT,
    STARTER,
    demo_spending_cap,
    set_up_demo_billing,
    sync_demo_usage,
)
from billing.models import PricePlan, Statement, StatementLine, TenantPlan, UsageLimit, UsageRecord
from billing.services.limits import sending_stopped
from billing.tests.factories import UsageRecordFactory
from isvplatform.demo import DEMO_STEPS, TOLL_FREE_STEPS
from messaging.models import Message
from messaging.services import SendRefused, message_send
from messaging.tests.conftest import provision_tenant
from tenants.services import Actor
from tenants.tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coffee(db, settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    tenant = TenantFactory(is_demo=True)
    provision_tenant(tenant)
    return tenant


def test_the_demo_runs_the_billing_step_after_the_sending_steps():
    assert DEMO_STEPS[-1] == "billing.demo.set_up_demo_billing"
    assert DEMO_STEPS.index("billing.demo.set_up_demo_billing") > DEMO_STEPS.index(
        "emails.demo.send_demo_emails"
    )


def test_the_second_demo_tenant_has_its_usage_and_statement_too():
    """The admin's overview shows every demo tenant's spend from the start, not after the
    first hourly sync."""
    assert TOLL_FREE_STEPS[-1] == "billing.demo.sync_demo_usage"
    tenant = TenantFactory(is_demo=True)
    UsageRecordFactory(tenant=tenant, day=periods.today(), price=Decimal("1.00000"))
    sync_demo_usage(tenant)
    statement = Statement.objects.for_tenant(tenant).get()
    assert statement.twilio_cost == Decimal("1.00000")


def test_the_demo_prices_real_sandbox_usage_and_is_idempotent(
    coffee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_up_demo_billing(coffee)

    growth = PricePlan.objects.get(name=GROWTH)
    assert growth.is_default and growth.monthly_fee == Decimal("49.00")
    assert growth.markup_percent == Decimal("25.00")
    sms = growth.rates.get(category="sms-outbound")
    assert sms.included_units == 500
    assert [(t.up_to, t.unit_price) for t in sms.tiers.all()] == [
        (10_000, Decimal("0.01200")), (None, Decimal("0.00950")),
    ]  # fmt: skip
    assert growth.rates.get(category="channels-whatsapp-outbound").markup_percent == 30
    assert growth.rates.get(category="phonenumbers-local").markup_percent == 20
    assert PricePlan.objects.filter(name=STARTER, is_default=False).exists()
    assert TenantPlan.objects.for_tenant(coffee).get().plan == growth

    limits = {limit.level: limit for limit in UsageLimit.objects.for_tenant(coffee)}
    assert (limits["soft"].value, limits["hard"].value) == (SOFT_LIMIT, HARD_LIMIT)
    assert {limit.sync_status for limit in limits.values()} == {"synced"}

    sent = Message.objects.for_tenant(coffee).filter(body__in=DEMO_SMS)
    assert sent.count() == len(DEMO_SMS)
    assert set(sent.values_list("status", flat=True)) <= {"sent", "delivered"}
    today = periods.today()
    sms_usage = UsageRecord.objects.for_tenant(coffee).get(category="sms-outbound", day=today)
    assert sms_usage.count == len(DEMO_SMS)
    assert sms_usage.price == Decimal("0.0079") * len(DEMO_SMS)

    statement = Statement.objects.for_tenant(coffee).get(period_start=periods.period_start(today))
    assert statement.status == "draft" and statement.plan_name == GROWTH
    line = StatementLine.objects.for_tenant(coffee).get(
        statement=statement, category="sms-outbound"
    )
    assert (line.units, line.included_units, line.amount) == (len(DEMO_SMS), len(DEMO_SMS), 0)
    assert statement.monthly_fee == Decimal("49.00")
    assert statement.total >= Decimal("49.00")

    counts = (
        Message.objects.for_tenant(coffee).count(),
        UsageRecord.objects.for_tenant(coffee).count(),
        PricePlan.objects.count(),
        UsageLimit.objects.for_tenant(coffee).count(),
        StatementLine.objects.for_tenant(coffee).count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        set_up_demo_billing(coffee)  # idempotent
    assert counts == (
        Message.objects.for_tenant(coffee).count(),
        UsageRecord.objects.for_tenant(coffee).count(),
        PricePlan.objects.count(),
        UsageLimit.objects.for_tenant(coffee).count(),
        StatementLine.objects.for_tenant(coffee).count(),
    )


def test_the_demo_cap_is_hit_on_purpose_and_the_next_send_is_refused(
    coffee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_up_demo_billing(coffee)
    with django_capture_on_commit_callbacks(execute=True):
        result = demo_spending_cap(coffee)

    assert result.refusal is not None, "the cap was never reached"
    assert result.refusal.reason == "spending_limit_reached"
    assert "hard limit of" in result.refusal.reason_message
    assert "per day" in result.refusal.reason_message
    assert 1 <= result.sent <= 5
    assert (result.limit.period, result.limit.level) == ("daily", "hard")
    assert sending_stopped(coffee) == result.limit
    with pytest.raises(SendRefused) as refused:
        message_send(tenant=coffee, to="+16285550111", body="One more?", actor=Actor.system())
    assert refused.value.reason == "spending_limit_reached"
