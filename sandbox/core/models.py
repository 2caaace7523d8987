"""Tables the core owns: accounts and API keys (auth is core), clock/fault state, callbacks."""

from __future__ import annotations

import uuid

from django.db import models

from isvplatform.fields import EncryptedTextField


class Account(models.Model):
    """A Twilio account: the master (no owner) or one of its subaccounts."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        SUSPENDED = "suspended"
        CLOSED = "closed"

    sid = models.CharField(max_length=34, unique=True)
    owner = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subaccounts"
    )
    friendly_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    type = models.CharField(max_length=8, default="Full")
    # Encrypted like the platform's copies, bound to the SID (the table is integer-keyed).
    auth_token = EncryptedTextField(bind_to="sid")
    auth_token_created = models.DateTimeField()
    secondary_auth_token = EncryptedTextField(bind_to="sid")
    secondary_auth_token_created = models.DateTimeField(null=True, blank=True)
    # Twilio's test credentials: a second SID/token pair for the magic test numbers.
    test_sid = models.CharField(max_length=34, unique=True, null=True, blank=True)
    test_auth_token = EncryptedTextField(bind_to="sid")
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    def __str__(self) -> str:
        return self.sid

    @property
    def owner_sid(self) -> str:
        return self.owner.sid if self.owner_id else self.sid

    def is_parent_of(self, other: Account) -> bool:
        return other.owner_id == self.id


class ApiKey(models.Model):
    """A standard API key (`SK…`): its SID and secret authenticate REST calls for its account.

    Core, like Account, because authentication reads it. Deleting the row revokes the key.
    """

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_keys")
    friendly_name = models.CharField(max_length=64, blank=True)
    secret = EncryptedTextField(bind_to="sid")
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid


def _new_epoch() -> str:
    return uuid.uuid4().hex


class SandboxState(models.Model):
    """The single row holding the sandbox clock and the fault settings.

    A row, not process memory, so that the web server, a Celery worker and tests all see
    the same clock and the same faults. `epoch` and `config_version` key each process's
    cache of configuration reads (see `sandbox.core.cache`).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    now = models.DateTimeField()
    epoch = models.CharField(max_length=32, default=_new_epoch)
    config_version = models.PositiveBigIntegerField(default=0)
    rate_429 = models.FloatField(default=0.0)
    rate_500 = models.FloatField(default=0.0)
    # Share of writes (POST) carried out and then answered 500: Twilio accepted the request
    # but the answer was lost, the case where a blind retry would do the write twice.
    rate_500_after_write = models.FloatField(default=0.0)
    latency_ms = models.PositiveIntegerField(default=0)
    fault_path_pattern = models.CharField(max_length=255, blank=True)
    drop_callbacks = models.FloatField(default=0.0)
    duplicate_callbacks = models.FloatField(default=0.0)
    reorder_callbacks = models.FloatField(default=0.0)
    delivery_failure_rate = models.FloatField(default=0.0)
    seed = models.IntegerField(default=0)
    version = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"sandbox state at {self.now:%Y-%m-%d %H:%M:%S}"


class Callback(models.Model):
    """One HTTP request the sandbox owes the platform (status callback, inbound webhook...)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        IN_FLIGHT = "in_flight"
        DELIVERED = "delivered"
        FAILED = "failed"
        DROPPED = "dropped"

    kind = models.CharField(max_length=32)
    account_sid = models.CharField(max_length=34)
    resource_sid = models.CharField(max_length=34, blank=True, db_index=True)
    url = models.TextField()
    method = models.CharField(max_length=8, default="POST")
    params = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    idempotency_token = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="sandbox_cb_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.resource_sid} -> {self.url} ({self.status})"


class CallbackAttempt(models.Model):
    """Each try at delivering a callback, kept so tests and the demo can see what happened."""

    class Outcome(models.TextChoices):
        DELIVERED = "delivered"
        FAILED = "failed"
        DROPPED = "dropped"

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="attempt_set")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    signature = models.CharField(max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attempt {self.number} of callback {self.callback_id}: {self.outcome}"


class UsageEntry(models.Model):
    """One billable event (a message sent or received, a number bought), for Usage Records."""

    account_sid = models.CharField(max_length=34)
    category = models.CharField(max_length=64)
    day = models.DateField()
    count = models.PositiveIntegerField(default=1)
    usage = models.PositiveIntegerField(default=1)
    price = models.DecimalField(max_digits=12, decimal_places=5)
    resource_sid = models.CharField(max_length=34, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account_sid", "day"], name="sandbox_usage_day_idx")]

    def __str__(self) -> str:
        return f"{self.account_sid} {self.category} {self.day}"
