"""Tables of the local AWS: accounts and their keys, SES identities, configuration sets,
SNS topics and subscriptions, the emails sent, their events and the SNS deliveries."""

from __future__ import annotations

from django.db import models

from isvplatform.fields import EncryptedTextField


class AwsAccount(models.Model):
    """An AWS account with one access key (the platform's, or a tenant's own in tests)."""

    account_id = models.CharField(max_length=12, unique=True)
    label = models.CharField(max_length=128)
    access_key_id = models.CharField(max_length=32, unique=True)
    secret_access_key = EncryptedTextField(bind_to="access_key_id")
    production_access = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.label} ({self.account_id})"


class SesIdentity(models.Model):
    """A verified (or verifying) sender: a domain with Easy DKIM or one email address."""

    class Type(models.TextChoices):
        DOMAIN = "DOMAIN"
        EMAIL_ADDRESS = "EMAIL_ADDRESS"

    class Status(models.TextChoices):
        PENDING = "PENDING"
        SUCCESS = "SUCCESS"
        FAILED = "FAILED"
        TEMPORARY_FAILURE = "TEMPORARY_FAILURE"
        NOT_STARTED = "NOT_STARTED"

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="identities")
    region = models.CharField(max_length=32)
    name = models.CharField(max_length=320)
    type = models.CharField(max_length=16, choices=Type.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    dkim_tokens = models.JSONField(default=list)
    configuration_set = models.CharField(max_length=64, blank=True)
    tags = models.JSONField(default=list)
    created_at = models.DateTimeField()
    verify_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "name"], name="sandbox_aws_identity_unique"
            )
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class SesConfigurationSet(models.Model):
    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="config_sets")
    region = models.CharField(max_length=32)
    name = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "region", "name"], name="sandbox_aws_configset_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SesEventDestination(models.Model):
    """Where a configuration set publishes events; only SNS destinations deliver here."""

    configuration_set = models.ForeignKey(
        SesConfigurationSet, on_delete=models.CASCADE, related_name="destinations"
    )
    name = models.CharField(max_length=64)
    enabled = models.BooleanField(default=False)
    matching_event_types = models.JSONField(default=list)
    sns_topic_arn = models.CharField(max_length=256, blank=True)
    definition = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["configuration_set", "name"], name="sandbox_aws_destination_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SnsTopic(models.Model):
    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="topics")
    region = models.CharField(max_length=32)
    name = models.CharField(max_length=256)
    arn = models.CharField(max_length=320, unique=True)
    attributes = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.arn


class SnsSubscription(models.Model):
    """An http(s) endpoint subscribed to a topic; nothing is delivered until confirmed."""

    topic = models.ForeignKey(SnsTopic, on_delete=models.CASCADE, related_name="subscriptions")
    protocol = models.CharField(max_length=16)
    endpoint = models.TextField()
    arn = models.CharField(max_length=400, unique=True)
    token = models.CharField(max_length=256, unique=True)
    confirmed = models.BooleanField(default=False)
    authenticate_on_unsubscribe = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.arn


class SesEmail(models.Model):
    """One accepted SendEmail: the MIME the recipients get and the parts they see."""

    account = models.ForeignKey(AwsAccount, on_delete=models.CASCADE, related_name="emails")
    region = models.CharField(max_length=32)
    message_id = models.CharField(max_length=80, unique=True)
    source = models.CharField(max_length=320)
    from_header = models.TextField(blank=True)
    subject = models.TextField(blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=list)
    raw = models.BinaryField()
    configuration_set = models.CharField(max_length=64, blank=True)
    tags = models.JSONField(default=dict)
    destination = models.JSONField(default=dict)
    auto_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="auto_replies"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.message_id


class SesRecipient(models.Model):
    """One recipient of an email and what the mailbox simulator (or the world) did with it."""

    class Outcome(models.TextChoices):
        DELIVERY = "delivery"
        BOUNCE = "bounce"
        COMPLAINT = "complaint"
        OOTO = "ooto"
        SUPPRESSED = "suppressed"
        REJECTED = "rejected"

    email = models.ForeignKey(SesEmail, on_delete=models.CASCADE, related_name="recipients")
    address = models.CharField(max_length=320, db_index=True)
    kind = models.CharField(max_length=3, default="to")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    opened_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.address}: {self.outcome}"


class SesEvent(models.Model):
    """One SES event of an email, published to the configuration set's SNS topic when due."""

    email = models.ForeignKey(SesEmail, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=24)
    recipients = models.JSONField(default=list)
    detail = models.JSONField(default=dict)
    due_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["published_at", "due_at"], name="sandbox_ses_event_due")]

    def __str__(self) -> str:
        return f"{self.event_type} of {self.email_id}"


class SnsDelivery(models.Model):
    """One SNS message owed to a subscription's endpoint, retried as SNS retries."""

    class Status(models.TextChoices):
        PENDING = "pending"
        IN_FLIGHT = "in_flight"
        DELIVERED = "delivered"
        FAILED = "failed"

    subscription = models.ForeignKey(
        SnsSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_type = models.CharField(max_length=32)
    message_id = models.CharField(max_length=64, unique=True)
    body = models.JSONField()
    event = models.ForeignKey(SesEvent, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="sandbox_sns_due")]

    def __str__(self) -> str:
        return f"{self.message_type} {self.message_id} ({self.status})"


class SnsDeliveryAttempt(models.Model):
    class Outcome(models.TextChoices):
        DELIVERED = "delivered"
        FAILED = "failed"

    delivery = models.ForeignKey(SnsDelivery, on_delete=models.CASCADE, related_name="attempt_set")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    authenticated = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.outcome}"


class SnsSigningCertificate(models.Model):
    """The key SNS signs its messages with; the certificate is served at SigningCertURL."""

    serial = models.CharField(max_length=40, unique=True)
    private_key = EncryptedTextField(bind_to="serial")
    certificate_pem = models.TextField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"SNS signing certificate {self.serial}"
