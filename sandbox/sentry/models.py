"""The envelopes the local Sentry received, kept as sent (the newest few hundred)."""

from django.db import models


class SentryEnvelope(models.Model):
    project_id = models.CharField(max_length=32)
    public_key = models.CharField(max_length=64, blank=True)
    event_id = models.CharField(max_length=64, blank=True, db_index=True)
    item_types = models.JSONField(default=list)
    # Every item's payload: JSON items parsed, other items (attachments) as text.
    items = models.JSONField(default=list)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"envelope {self.event_id or self.pk} ({', '.join(self.item_types)})"

    def events(self) -> list[dict]:
        """The error and message events in this envelope (not sessions or transactions)."""
        return [
            item["payload"]
            for item in self.items
            if item.get("type") == "event" and isinstance(item.get("payload"), dict)
        ]
