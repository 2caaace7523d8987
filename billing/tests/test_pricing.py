"""Price plans at work: tiered prices and cost plus markup, each as a worked example."""

from decimal import Decimal

from billing.services.pricing import CategoryUsage, period_charge, price_usage
from billing.tests.factories import PlanRateFactory, PricePlanFactory, PriceTierFactory

D = Decimal


def tiered_plan(included=500):
    """First 10,000 billable SMS at 0.0100, the rest at 0.0080, `included` free."""
    plan = PricePlanFactory(monthly_fee=D("29.00"), markup_percent=D("20.00"))
    rate = PlanRateFactory(plan=plan, category="sms-outbound", included_units=included)
    PriceTierFactory(rate=rate, up_to=10_000, unit_price=D("0.01000"))
    PriceTierFactory(rate=rate, up_to=None, unit_price=D("0.00800"))
    return plan


def test_tiered_worked_example(db):
    # 12,500 SMS, 500 included -> 12,000 billable:
    #   10,000 x 0.0100 = 100.00
    #    2,000 x 0.0080 =  16.00
    #                     116.00  (Twilio's cost, 98.75, plays no part in a tiered price)
    price = price_usage(tiered_plan(), "sms-outbound", D(12_500), D("98.75"))
    assert price.included_units == D(500)
    assert price.billable_units == D(12_000)
    assert price.amount == D("116.00000")
    assert price.breakdown == [
        {"up_to": 10_000, "units": "10000", "unit_price": "0.01000", "amount": "100.00000"},
        {"up_to": None, "units": "2000", "unit_price": "0.00800", "amount": "16.00000"},
    ]


def test_tiers_count_billable_units_from_the_first_billable_one(db):
    # 10,400 SMS, 500 included -> 9,900 billable, all inside the first tier:
    #   9,900 x 0.0100 = 99.00 (the second tier is not reached, so not listed)
    price = price_usage(tiered_plan(), "sms-outbound", D(10_400), D(0))
    assert price.amount == D("99.00000")
    assert [t["up_to"] for t in price.breakdown] == [10_000]


def test_usage_within_the_included_units_is_free(db):
    # 300 SMS, 500 included: all 300 are covered, nothing is billable.
    price = price_usage(tiered_plan(), "sms-outbound", D(300), D("2.37"))
    assert (price.included_units, price.billable_units, price.amount) == (D(300), D(0), D(0))
    assert price.breakdown == []


def test_markup_worked_example(db):
    # 10,000 SMS cost Twilio 10,000 x 0.0079 = 79.00; the rate's markup is 25%
    # (it overrides the plan's 20%): 79.00 x 1.25 = 98.75
    plan = PricePlanFactory(markup_percent=D("20.00"))
    PlanRateFactory(plan=plan, category="sms-outbound", markup_percent=D("25.00"))
    price = price_usage(plan, "sms-outbound", D(10_000), D("79.00"))
    assert price.amount == D("98.75000")
    assert price.breakdown == {"markup_percent": "25.00", "cost": "79.00000"}


def test_included_units_waive_their_share_of_the_cost(db):
    # 1,000 SMS cost 7.90; 200 included waive 200/1,000 of it:
    #   7.90 x 800/1,000 = 6.32 billed cost; plan markup 20%: 6.32 x 1.20 = 7.584
    plan = PricePlanFactory(markup_percent=D("20.00"))
    PlanRateFactory(plan=plan, category="sms-outbound", included_units=200)
    price = price_usage(plan, "sms-outbound", D(1_000), D("7.90"))
    assert price.billable_units == D(800)
    assert price.amount == D("7.58400")
    assert price.breakdown == {"markup_percent": "20.00", "cost": "6.32000"}


def test_a_category_without_a_rate_is_charged_at_the_plans_markup(db):
    # 100 MMS cost 2.00; no MMS rate: the plan's 20% -> 2.40
    price = price_usage(tiered_plan(), "mms-outbound", D(100), D("2.00"))
    assert price.amount == D("2.40000")
    assert price.included_units == D(0)


def test_no_plan_charges_at_cost_rounded_half_up_to_five_decimals(db):
    assert price_usage(None, "sms-outbound", D(10), D("0.07900")).amount == D("0.07900")
    # 0.000025 rounds half up to 0.00003 (not half-even 0.00002)
    assert price_usage(None, "sms-outbound", D(1), D("0.000025")).amount == D("0.00003")


def test_a_period_is_priced_in_cents_with_its_fee_and_margin(db):
    # SMS 116.00 (tiered, cost 98.75) + MMS 2.40 (cost 2.00) = 118.40 usage charge
    # + 29.00 monthly fee = 147.40 total; margin 147.40 - 100.75 = 46.65
    charge = period_charge(
        tiered_plan(),
        {
            "sms-outbound": CategoryUsage(D(12_500), D("98.75")),
            "mms-outbound": CategoryUsage(D(100), D("2.00")),
        },
    )
    assert charge.usage_charge == D("118.40")
    assert charge.monthly_fee == D("29.00")
    assert charge.total == D("147.40")
    assert charge.twilio_cost == D("100.75")
    assert charge.margin == D("46.65")


def test_fees_only_charges_the_fee_and_keeps_the_cost_visible(db):
    # The tenant pays Twilio itself: usage shows its cost, is charged 0; margin = the fee.
    charge = period_charge(
        tiered_plan(), {"sms-outbound": CategoryUsage(D(12_500), D("98.75"))}, fees_only=True
    )
    assert charge.lines["sms-outbound"].amount == 0
    assert charge.twilio_cost == D("98.75")
    assert (charge.total, charge.margin) == (D("29.00"), D("29.00"))
