from django.db import models


class WorkerHeartbeat(models.Model):
    """Last time each background process proved it was alive (shown by /healthz)."""

    name = models.CharField(max_length=64, unique=True)
    last_seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen_at:%Y-%m-%d %H:%M:%S}"
