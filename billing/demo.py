"""Usage and billing in `make run`: the price plans "Growth" (the default) and "Starter",
Demo Coffee on Growth with a soft and a hard monthly spending limit, a few order-update
SMS sent through the normal send path, the sandbox's usage of them synced into usage
records, and the running statement built. The usage page then shows real figures.

The sandbox records an SMS's usage when the message reaches `sent` (on its clock's tick),
so the step hands each message to Twilio itself and moves the sandbox clock, as the email
demo does. Idempotent: plans, the assignment, the limits and the sends are made once; the
sync and the statement are idempotent themselves.

`demo_spending_cap` (the `manage.py demo_spending_cap` command) hits a cap on purpose: a
hard daily spend limit just above today's spend, sends until the sandbox's usage trigger
fires, and returns the refusal of the next send.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.test.utils import override_settings

from billing import periods
from billing.categories import TOTAL
from billing.models import PlanRate, PricePlan, PriceTier, TenantPlan, UsageLimit
from billing.services.limits import limit_save, limit_sync, limits_check
from billing.services.plans import plan_change, plan_validate
from billing.services.statements import statement_build
from billing.services.usage_sync import usage_sync
from isvplatform.gateway import RetryableGatewayError
from messaging.models import Message
from messaging.services import SendRefused, message_dispatch, message_send
from tenants.models import Tenant
from tenants.services import Actor

logger = logging.getLogger(__name__)

GROWTH = "Growth"
STARTER = "Starter"
# name -> (monthly fee, plan markup %, {category: (included, markup %, [(up_to, price)])})
PLANS = {
    GROWTH: (
        "49.00",
        "25",
        {
            "sms-outbound": (500, None, [(10_000, "0.0120"), (None, "0.0095")]),
            "channels-whatsapp-outbound": (0, "30", []),
            "channels-whatsapp-inbound": (0, "30", []),
            "phonenumbers-local": (0, "20", []),
            "phonenumbers-tollfree": (0, "20", []),
        },
    ),
    STARTER: (
        "19.00",
        "40",
        {"sms-outbound": (100, None, [(None, "0.0150")])},
    ),
}
SOFT_LIMIT = Decimal("25.00")
HARD_LIMIT = Decimal("50.00")
HANDSETS = ["+16285550111", "+16285550112", "+16285550113"]
DEMO_SMS = [
    "Demo Coffee: your flat white is ready at the counter.",
    "Demo Coffee: your order #1042 is being prepared.",
    "Demo Coffee: thanks for visiting! Reply STOP to opt out.",
    "Demo Coffee: 2x loyalty points on Fridays this month.",
    "Demo Coffee: your oat latte is ready for pickup.",
    "Demo Coffee: your order #1043 is ready.",
]
# The sandbox moves a message queued -> sending -> sent one second a step (usage at sent).
SEND_SECONDS = 5
CAP_MAX_SENDS = 25
CAP_BODY = "Demo Coffee: happy hour, 2 for 1 on cold brew."


def ensure_plan(name: str) -> PricePlan:
    """The demo plan `name` as `PLANS` describes it (made once; later edits by staff stay)."""
    found = PricePlan.objects.filter(name=name).first()
    if found is not None:
        return found
    fee, markup, rates = PLANS[name]
    with transaction.atomic():
        plan = PricePlan.objects.create(
            name=name,
            description=f"The demo's {name} plan.",
            monthly_fee=Decimal(fee),
            markup_percent=Decimal(markup),
            is_default=name == GROWTH and not PricePlan.objects.filter(is_default=True).exists(),
        )
        for category, (included, rate_markup, tiers) in rates.items():
            rate = PlanRate.objects.create(
                plan=plan,
                category=category,
                included_units=included,
                markup_percent=Decimal(rate_markup) if rate_markup else None,
            )
            for up_to, price in tiers:
                PriceTier.objects.create(rate=rate, up_to=up_to, unit_price=Decimal(price))
        plan_validate(plan)
    return plan


def _ensure_limit(tenant: Tenant, level: str, value: Decimal) -> UsageLimit:
    found = UsageLimit.objects.for_tenant(tenant).filter(
        level=level, measure=UsageLimit.Measure.SPEND, category=TOTAL,
        period=UsageLimit.Period.MONTHLY,
    ).first()  # fmt: skip
    if found is not None:
        return found
    return limit_save(
        tenant=tenant, actor=Actor.system(), level=level, measure=UsageLimit.Measure.SPEND,
        period=UsageLimit.Period.MONTHLY, value=value, category=TOTAL,
    )  # fmt: skip


def _hand_over(message: Message) -> None:
    """Send now, as the worker's send task would (which then finds it handled)."""
    try:
        message_dispatch(str(message.pk))
    except RetryableGatewayError as err:
        logger.warning("demo: SMS %s left to the worker: %s", message.pk, err)


def send_demo_sms(tenant: Tenant) -> int:
    """The order-update SMS not sent yet, handed to the sandbox and moved to `sent`."""
    from sandbox import clock

    sent = set(
        Message.objects.for_tenant(tenant).filter(body__in=DEMO_SMS).values_list("body", flat=True)
    )
    count = 0
    for index, body in enumerate(DEMO_SMS):
        if body in sent:
            continue
        try:
            message = message_send(
                tenant=tenant, to=HANDSETS[index % len(HANDSETS)], body=body, actor=Actor.system()
            )
        except ValidationError as err:
            logger.warning("demo: SMS refused: %s", err)
            break
        _hand_over(message)
        count += 1
    if count:
        clock.advance(SEND_SECONDS)
    return count


def sync_demo_usage(tenant: Tenant) -> None:
    """This period's usage from the sandbox's usage records, and the running statement."""
    from sandbox import clock

    today = periods.today()
    end = max(today, clock.now().date())
    usage_sync(tenant.pk, start=periods.period_start(today), end=end)
    statement_build(tenant.pk, periods.period_start(today))


def set_up_demo_billing(tenant: Tenant) -> None:
    """The demo step (see the module docstring)."""
    with override_settings(SANDBOX_CALLBACKS_INPROCESS=True):
        growth = ensure_plan(GROWTH)
        ensure_plan(STARTER)
        if not TenantPlan.objects.for_tenant(tenant).exists():
            plan_change(tenant=tenant, plan=growth, actor=Actor.system())
        for level, value in (
            (UsageLimit.Level.SOFT, SOFT_LIMIT),
            (UsageLimit.Level.HARD, HARD_LIMIT),
        ):
            limit = _ensure_limit(tenant, level, value)
            if limit.sync_status != UsageLimit.SyncStatus.SYNCED:
                limit_sync(limit.pk)
        sent = send_demo_sms(tenant)
        sync_demo_usage(tenant)
    logger.info("demo: %s on %s, %s demo SMS sent now, usage synced", tenant, growth, sent)


# --- hitting a cap on purpose ---------------------------------------------------------------


@dataclass(frozen=True)
class CapResult:
    limit: UsageLimit
    sent: int
    refusal: SendRefused | None


def _daily_cap(tenant: Tenant, spend: Decimal) -> UsageLimit:
    """The tenant's hard daily spend limit, set just above `spend` (today's so far)."""
    existing = UsageLimit.objects.for_tenant(tenant).filter(
        level=UsageLimit.Level.HARD, measure=UsageLimit.Measure.SPEND, category=TOTAL,
        period=UsageLimit.Period.DAILY,
    ).first()  # fmt: skip
    limit = limit_save(
        tenant=tenant, actor=Actor.system(), level=UsageLimit.Level.HARD,
        measure=UsageLimit.Measure.SPEND, period=UsageLimit.Period.DAILY,
        value=(spend + Decimal("0.02")).quantize(Decimal("0.01")), category=TOTAL, limit=existing,
    )  # fmt: skip
    limit_sync(limit.pk)
    limit.refresh_from_db()
    return limit


def _today_spend(tenant: Tenant) -> Decimal:
    from billing.portal_data import limit_current_value

    probe = UsageLimit(
        tenant=tenant, level=UsageLimit.Level.HARD, measure=UsageLimit.Measure.SPEND,
        category=TOTAL, period=UsageLimit.Period.DAILY, value=Decimal(1),
    )  # fmt: skip
    return limit_current_value(probe, periods.today())


def demo_spending_cap(tenant: Tenant, *, max_sends: int = CAP_MAX_SENDS) -> CapResult:
    """Set a hard daily cap just above today's spend, send SMS through the normal path until
    the sandbox's usage trigger fires (or the periodic check sees it), and return the
    refusal the next send gets."""
    from sandbox import clock

    with override_settings(SANDBOX_CALLBACKS_INPROCESS=True):
        today = periods.today()
        usage_sync(tenant.pk, start=today, end=max(today, clock.now().date()))
        limit = _daily_cap(tenant, _today_spend(tenant))
        for sent in range(max_sends + 1):
            try:
                message = message_send(
                    tenant=tenant, to=HANDSETS[sent % len(HANDSETS)], body=CAP_BODY,
                    actor=Actor.system(),
                )  # fmt: skip
            except SendRefused as refusal:
                limit.refresh_from_db()
                return CapResult(limit, sent, refusal)
            _hand_over(message)
            clock.advance(SEND_SECONDS)  # sent: usage recorded; the trigger fires on the tick
            usage_sync(tenant.pk, start=today, end=max(today, clock.now().date()))
            limits_check()  # covers a callback that did not arrive
        limit.refresh_from_db()
        return CapResult(limit, max_sends, None)
