"""Usage, price plans, statements, spending limits and sending quotas of each tenant.

Money: Twilio's cost keeps Twilio's five decimals; what the platform charges is computed
with the same precision and rounded to cents only on a statement's totals.
Periods are calendar months in UTC (`billing.periods`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from billing.categories import CATEGORY_CHOICES, TOTAL
from isvplatform.claims import Claimable
from tenants.models import TenantOwned

MONEY = {"max_digits": 16, "decimal_places": 5}


class UsageRecord(TenantOwned):
    """What Twilio counted and charged one of the tenant's accounts for a category on a day
    (its Usage Records), beside what the platform's own per-message prices add up to."""

    account_sid = models.CharField(max_length=34)
    category = models.CharField(max_length=64, choices=CATEGORY_CHOICES)
    day = models.DateField()
    count = models.BigIntegerField(default=0)
    usage = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    price = models.DecimalField(**MONEY, default=0)  # Twilio's, positive
    currency = models.CharField(max_length=3, default="USD")
    # The sum of the platform's stored per-message prices for the same day and category
    # (None where the platform keeps no per-message price, e.g. numbers), and the drift.
    platform_price = models.DecimalField(**MONEY, null=True, blank=True)
    drift = models.DecimalField(**MONEY, null=True, blank=True)
    drift_flagged = models.BooleanField(default=False)
    # True once the day had ended when it was read (a closed day); today's row is refreshed.
    closed = models.BooleanField(default=False)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account_sid", "category", "day"], name="one_usage_record"
            )
        ]
        indexes = [models.Index(fields=["tenant", "day"])]

    def __str__(self) -> str:
        return f"{self.category} {self.day}"


class PricePlan(models.Model):
    """What staff charge tenants: a monthly fee, and per category included units and either
    tiered unit prices or Twilio's cost plus a markup (`PlanRate`). A category without a
    rate is charged at cost plus `markup_percent` (0: at cost)."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="USD")
    monthly_fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    markup_percent = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    is_default = models.BooleanField(
        default=False, help_text="Tenants with no plan of their own are on this one."
    )
    active = models.BooleanField(default=True, help_text="Only active plans can be assigned.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_plan"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlanRate(models.Model):
    """How a plan charges one category: `included_units` free each period, then its
    `PriceTier`s (graduated), or, with no tiers, Twilio's cost plus `markup_percent`."""

    plan = models.ForeignKey(PricePlan, on_delete=models.CASCADE, related_name="rates")
    category = models.CharField(max_length=64, choices=CATEGORY_CHOICES)
    included_units = models.PositiveBigIntegerField(default=0)
    markup_percent = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Cost plus this percentage when the rate has no tiers (empty: the plan's).",
    )

    class Meta:
        ordering = ["plan", "category"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="one_rate_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.category}"


class PriceTier(models.Model):
    """Units up to `up_to` (after the included ones, counted from the period's first unit)
    at `unit_price`; the last tier has no `up_to` and takes the rest."""

    rate = models.ForeignKey(PlanRate, on_delete=models.CASCADE, related_name="tiers")
    up_to = models.PositiveBigIntegerField(null=True, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=5)

    class Meta:
        ordering = ["rate", models.F("up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["rate", "up_to"], name="one_tier_per_bound"),
            models.UniqueConstraint(
                fields=["rate"], condition=Q(up_to__isnull=True), name="one_open_tier"
            ),
        ]

    def __str__(self) -> str:
        return f"≤{self.up_to or '∞'} @ {self.unit_price}"


class TenantPlan(TenantOwned):
    """The tenant's plan from `starts_on` (a period's first day) until the next row's."""

    plan = models.ForeignKey(PricePlan, on_delete=models.PROTECT, related_name="assignments")
    starts_on = models.DateField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "starts_on"], name="one_plan_per_start")
        ]

    def __str__(self) -> str:
        return f"{self.plan} from {self.starts_on}"


class Statement(TenantOwned):
    """A tenant's bill for one period: lines, Twilio's cost, the price charged and the
    margin (staff only). `draft` while the period runs (rebuilt), `final` after it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Running (not final)"
        FINAL = "final", "Final"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=32, unique=True)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    plan = models.ForeignKey(
        PricePlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan_name = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    # The subaccount's billing mode then: a tenant on its own Twilio account pays Twilio
    # itself, so only the platform's fees are charged.
    billing_mode = models.CharField(max_length=32, blank=True)
    twilio_cost = models.DecimalField(**MONEY, default=0)
    usage_charge = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    monthly_fee = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    margin = models.DecimalField(**MONEY, default=0)
    generated_at = models.DateTimeField()
    finalized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "period_start"], name="one_statement")
        ]

    def __str__(self) -> str:
        return self.number


class StatementLine(TenantOwned):
    class Kind(models.TextChoices):
        USAGE = "usage", "Usage"
        FEE = "fee", "Monthly fee"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.USAGE)
    category = models.CharField(max_length=64, blank=True)
    description = models.CharField(max_length=200)
    units = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    included_units = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    billable_units = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    twilio_cost = models.DecimalField(**MONEY, default=0)
    amount = models.DecimalField(**MONEY, default=0)  # the price charged
    margin = models.DecimalField(**MONEY, default=0)
    # How the amount was reached: [{"units", "unit_price", "amount"}] per tier, or
    # {"markup_percent"} for cost plus.
    breakdown = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["statement", "position"]

    def __str__(self) -> str:
        return self.description


class StripeMeterReport(TenantOwned, Claimable):
    """One meter event owed to Stripe for a final statement's line: claimed, sent once
    (its `identifier` also makes Stripe drop a repeat), then marked sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be reported"
        SENT = "sent", "Reported"
        FAILED = "failed", "Failed (will retry)"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="reports")
    category = models.CharField(max_length=64, blank=True)
    identifier = models.CharField(max_length=100, unique=True)
    event_name = models.CharField(max_length=100)
    customer_id = models.CharField(max_length=64, blank=True)
    value = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.identifier


class UsageLimit(TenantOwned, Claimable):
    """A soft (alert) or hard (sending paused) limit on spend or count per period, kept as
    Twilio Usage Triggers on the tenant's account (`UsageLimitTrigger`, 80% and 100%)."""

    class Level(models.TextChoices):
        SOFT = "soft", "Soft limit (alert only)"
        HARD = "hard", "Hard limit (sending stops)"

    class Measure(models.TextChoices):
        SPEND = "spend", "Spend"
        COUNT = "count", "Count"

    class Period(models.TextChoices):
        DAILY = "daily", "Per day"
        MONTHLY = "monthly", "Per month"

    class SyncStatus(models.TextChoices):
        PENDING = "pending", "Being set at Twilio"
        SYNCED = "synced", "Set at Twilio"
        FAILED = "failed", "Could not be set at Twilio (retrying)"
        DELETING = "deleting", "Being removed"

    level = models.CharField(max_length=8, choices=Level.choices)
    measure = models.CharField(max_length=8, choices=Measure.choices, default=Measure.SPEND)
    # `totalprice` for spend; the counted category (e.g. sms-outbound) for count.
    category = models.CharField(max_length=64, choices=CATEGORY_CHOICES, default=TOTAL)
    period = models.CharField(max_length=8, choices=Period.choices, default=Period.MONTHLY)
    value = models.DecimalField(max_digits=14, decimal_places=4)
    set_by_staff = models.BooleanField(
        default=False, help_text="Set by staff: the tenant sees it but cannot change it."
    )
    sync_status = models.CharField(
        max_length=8, choices=SyncStatus.choices, default=SyncStatus.PENDING
    )
    last_error = models.TextField(blank=True)
    # Where the current period stands: its key ("2026-12" or "2026-12-01"), when 80% and
    # 100% were reached in it, and whether staff lifted the limit for it.
    state_period = models.CharField(max_length=10, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    reached_at = models.DateTimeField(null=True, blank=True)
    lifted_period = models.CharField(max_length=10, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant", "level", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "level", "measure", "category", "period"], name="one_limit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.value} {self.measure} {self.period}"


class UsageLimitTrigger(TenantOwned):
    """One Twilio Usage Trigger of a limit (at 80% or 100% of its value)."""

    limit = models.ForeignKey(UsageLimit, on_delete=models.CASCADE, related_name="triggers")
    percent = models.PositiveSmallIntegerField()  # 80 or 100
    account_sid = models.CharField(max_length=34)
    sid = models.CharField(max_length=34, unique=True)
    trigger_value = models.DecimalField(max_digits=16, decimal_places=5)
    callback_url = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["limit", "percent"]
        constraints = [
            models.UniqueConstraint(fields=["limit", "percent"], name="one_trigger_per_percent")
        ]

    def __str__(self) -> str:
        return self.sid


class UsageLimitEvent(TenantOwned):
    """A limit reaching 80% or 100% in a period, recorded once however it was learnt
    (Twilio's callback, or the periodic check that covers a missed one)."""

    class Source(models.TextChoices):
        CALLBACK = "callback", "Twilio's callback"
        CHECK = "check", "Periodic check"

    limit = models.ForeignKey(UsageLimit, on_delete=models.CASCADE, related_name="events")
    percent = models.PositiveSmallIntegerField()
    period_key = models.CharField(max_length=10)
    source = models.CharField(max_length=8, choices=Source.choices)
    current_value = models.DecimalField(max_digits=16, decimal_places=5, null=True, blank=True)
    trigger_sid = models.CharField(max_length=34, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["limit", "percent", "period_key"], name="one_event_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.limit} {self.percent}% {self.period_key}"


class SpendAnomaly(TenantOwned):
    """A day whose spend exceeded a multiple of the tenant's trailing daily average (the
    specification's fraud detection), flagged once and alerted to staff."""

    day = models.DateField()
    spend = models.DecimalField(**MONEY)
    trailing_average = models.DecimalField(**MONEY)
    multiple = models.DecimalField(max_digits=8, decimal_places=2)
    alerted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="one_anomaly_a_day")]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.day}"


class SendingQuota(TenantOwned):
    """A tenant's daily and monthly send quota on one channel (None: no quota), and where it
    stands on the ramp-up schedule (`ramp_level` None: off the ramp)."""

    channel = models.CharField(max_length=16)
    daily_limit = models.PositiveIntegerField(null=True, blank=True)
    monthly_limit = models.PositiveIntegerField(null=True, blank=True)
    ramp_level = models.PositiveSmallIntegerField(null=True, blank=True)
    ramp_reviewed_on = models.DateField(null=True, blank=True)
    # Why the last review did not raise the level ("" when it did, or never held).
    ramp_held_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "channel"], name="one_quota_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.daily_limit}/day"


class RampStep(TenantOwned):
    """One review of a ramping quota: the level before and after and why (its timeline)."""

    quota = models.ForeignKey(SendingQuota, on_delete=models.CASCADE, related_name="steps")
    reviewed_on = models.DateField()
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField()
    daily_limit = models.PositiveIntegerField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)
    opt_out_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    error_rate = models.DecimalField(max_digits=6, decimal_places=4, default=0)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on"]
        constraints = [
            models.UniqueConstraint(fields=["quota", "reviewed_on"], name="one_review_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.quota} {self.reviewed_on}: {self.from_level}→{self.to_level}"
