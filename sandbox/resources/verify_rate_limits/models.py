from django.db import models

from sandbox.resources.verify_services.models import VerifyService


class RateLimit(models.Model):
    sid = models.CharField(max_length=34, unique=True)
    service = models.ForeignKey(VerifyService, on_delete=models.CASCADE, related_name="rate_limits")
    unique_name = models.CharField(max_length=64)
    description = models.CharField(max_length=255, blank=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "unique_name"], name="sandbox_ratelimit_unique"
            )
        ]

    def __str__(self) -> str:
        return self.unique_name


class Bucket(models.Model):
    """At most `max` verifications per value of the rate limit within `interval` seconds."""

    sid = models.CharField(max_length=34, unique=True)
    rate_limit = models.ForeignKey(RateLimit, on_delete=models.CASCADE, related_name="buckets")
    max = models.PositiveIntegerField()
    interval = models.PositiveIntegerField()
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return f"{self.max} per {self.interval} s"


class RateLimitHit(models.Model):
    """A verification started with a value for a rate limit (what the buckets count)."""

    rate_limit = models.ForeignKey(RateLimit, on_delete=models.CASCADE, related_name="hits")
    value = models.CharField(max_length=255)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["rate_limit", "value", "at"], name="sandbox_rl_hit_idx")]

    def __str__(self) -> str:
        return f"{self.rate_limit} {self.value}"
