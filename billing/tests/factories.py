"""Factories of the billing app's rows, registered for the API tenancy walk."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from billing import periods
from billing.models import (
    PlanRate,
    PricePlan,
    PriceTier,
    SendingQuota,
    SpendAnomaly,
    Statement,
    StatementLine,
    TenantPlan,
    UsageLimit,
    UsageRecord,
)
from isvplatform.testing.tenancy import register_tenant_factory
from tenants.tests.factories import TenantFactory


class UsageRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageRecord

    tenant = factory.SubFactory(TenantFactory)
    account_sid = factory.Sequence(lambda n: f"AC{n:032x}")
    category = "sms-outbound"
    day = factory.LazyFunction(periods.today)
    count = 10
    usage = Decimal(10)
    price = Decimal("0.07900")
    currency = "USD"
    fetched_at = factory.LazyFunction(timezone.now)


class PricePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PricePlan

    name = factory.Sequence(lambda n: f"Plan {n}")
    monthly_fee = Decimal("29.00")
    markup_percent = Decimal("20.00")


class PlanRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanRate

    plan = factory.SubFactory(PricePlanFactory)
    category = "sms-outbound"
    included_units = 0


class PriceTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceTier

    rate = factory.SubFactory(PlanRateFactory)
    up_to = None
    unit_price = Decimal("0.01000")


class TenantPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenantPlan

    tenant = factory.SubFactory(TenantFactory)
    plan = factory.SubFactory(PricePlanFactory)
    starts_on = factory.LazyFunction(lambda: periods.period_start(periods.today()))


class StatementFactory(factory.django.DjangoModelFactory):
    """A final statement of last month (`status="draft"` and this month for a running one)."""

    class Meta:
        model = Statement

    tenant = factory.SubFactory(TenantFactory)
    number = factory.Sequence(lambda n: f"ST-TEST-{n:06d}")
    period_start = factory.LazyFunction(lambda: periods.previous_period_start(periods.today()))
    period_end = factory.LazyAttribute(lambda o: periods.period_end(o.period_start))
    status = Statement.Status.FINAL
    plan_name = "Plan"
    twilio_cost = Decimal("7.90000")
    usage_charge = Decimal("10.00")
    monthly_fee = Decimal("29.00")
    total = Decimal("39.00")
    margin = Decimal("31.10000")
    generated_at = factory.LazyFunction(timezone.now)
    finalized_at = factory.LazyFunction(timezone.now)


class StatementLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatementLine

    statement = factory.SubFactory(StatementFactory)
    tenant = factory.LazyAttribute(lambda o: o.statement.tenant)
    category = "sms-outbound"
    description = "Outbound SMS"
    units = Decimal(1000)
    billable_units = Decimal(1000)
    twilio_cost = Decimal("7.90000")
    amount = Decimal("10.00000")
    margin = Decimal("2.10000")


class UsageLimitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageLimit

    tenant = factory.SubFactory(TenantFactory)
    level = UsageLimit.Level.HARD
    measure = UsageLimit.Measure.SPEND
    category = "totalprice"
    period = UsageLimit.Period.MONTHLY
    value = Decimal("50.0000")


class SpendAnomalyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpendAnomaly

    tenant = factory.SubFactory(TenantFactory)
    day = factory.LazyFunction(lambda: periods.today() - dt.timedelta(days=1))
    spend = Decimal("40.00000")
    trailing_average = Decimal("2.00000")
    multiple = Decimal("20.00")


class SendingQuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SendingQuota

    tenant = factory.SubFactory(TenantFactory)
    channel = "sms"
    daily_limit = 100
    ramp_level = 1


register_tenant_factory(UsageRecord, lambda tenant: UsageRecordFactory(tenant=tenant))
register_tenant_factory(TenantPlan, lambda tenant: TenantPlanFactory(tenant=tenant))
register_tenant_factory(Statement, lambda tenant: StatementFactory(tenant=tenant))
register_tenant_factory(
    StatementLine,
    lambda tenant: StatementLineFactory(statement=StatementFactory(tenant=tenant)),
)
register_tenant_factory(UsageLimit, lambda tenant: UsageLimitFactory(tenant=tenant))
register_tenant_factory(SpendAnomaly, lambda tenant: SpendAnomalyFactory(tenant=tenant))
register_tenant_factory(SendingQuota, lambda tenant: SendingQuotaFactory(tenant=tenant))


# --- api (h-api) ------------------------------------------------------------------------
# A line goes on the tenant's statement when it has one: the walks make one object of every
# model for the same tenant, and a second statement of the same period can't exist.
def _statement_line_for(tenant) -> StatementLine:
    statement = Statement.objects.for_tenant(tenant).first() or StatementFactory(tenant=tenant)
    return StatementLineFactory(statement=statement)


register_tenant_factory(StatementLine, _statement_line_for)
