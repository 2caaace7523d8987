"""The local Stripe's state: customers, billing meters, the meter events received, and the
saved answers of idempotent requests. Ids are Stripe's (`cus_`, `mtr_`)."""

from django.db import models


class StripeAccount(models.Model):
    """The local Stripe's account: the SHA-256 of its secret key (never the key), made from
    the configured key on first use, as the Twilio sandbox makes its master account."""

    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField()

    def __str__(self) -> str:
        return f"account {self.pk}"


class StripeCustomer(models.Model):
    id = models.CharField(primary_key=True, max_length=40)
    name = models.CharField(max_length=256, blank=True)
    email = models.CharField(max_length=512, blank=True)
    description = models.TextField(blank=True)
    metadata = models.JSONField(default=dict)
    created = models.DateTimeField()

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.id


class StripeMeter(models.Model):
    class Formula(models.TextChoices):
        SUM = "sum"
        COUNT = "count"
        LAST = "last"

    id = models.CharField(primary_key=True, max_length=40)
    display_name = models.CharField(max_length=250)
    event_name = models.CharField(max_length=100, unique=True)
    formula = models.CharField(max_length=8, choices=Formula.choices)
    customer_payload_key = models.CharField(max_length=100, default="stripe_customer_id")
    value_payload_key = models.CharField(max_length=100, default="value")
    event_time_window = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=16, default="active")
    created = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.id


class StripeMeterEvent(models.Model):
    """A meter event Stripe accepted; its `identifier` is unique (a repeat is refused)."""

    meter = models.ForeignKey(StripeMeter, on_delete=models.CASCADE, related_name="events")
    event_name = models.CharField(max_length=100)
    identifier = models.CharField(max_length=100, unique=True)
    customer_id = models.CharField(max_length=40, db_index=True)
    value = models.BigIntegerField()
    payload = models.JSONField(default=dict)
    timestamp = models.DateTimeField()
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.identifier


class StripeIdempotentRequest(models.Model):
    """A POST's answer kept under its `Idempotency-Key` (24 hours, as Stripe keeps them)."""

    key = models.CharField(max_length=255, unique=True)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    created = models.DateTimeField()

    def __str__(self) -> str:
        return self.key
