from django.db import models


class WorkerHeartbeat(models.Model):
    """Last time each background process proved it was alive (shown by /healthz)."""

    name = models.CharField(max_length=64, unique=True)
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"


class CallbackRefusal(models.Model):
    """Provider callbacks refused for their signature (or basic auth), tallied per minute,
    endpoint and reason: what the staff alert on signature failures counts (the Prometheus
    counter beside it lives in each process, the database is what every process shares).
    One row per minute at most, so a flood of forgeries stays a few rows."""

    minute = models.DateTimeField()
    endpoint = models.CharField(max_length=100)
    reason = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["minute", "endpoint", "reason"], name="callback_refusal_bucket"
            )
        ]
        indexes = [models.Index(fields=["minute"], name="callback_refusal_minute")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.reason}: {self.count} at {self.minute:%Y-%m-%d %H:%M}"


class PartitionKey(models.Model):
    """A unique value of a partitioned table (a message's Twilio SID, a raw event's (SID,
    status)...), kept here by triggers on PostgreSQL, where a partitioned table cannot
    enforce uniqueness without its partition column (see `isvplatform.partitions`). Stays
    empty on SQLite, whose tables keep their own unique constraints."""

    key = models.TextField(primary_key=True)

    def __str__(self) -> str:
        return self.key
