"""How long a tenant's raw webhook events and message bodies are kept.

One row per tenant, made on its first change; a tenant without a row, or with an empty
period, follows the platform's default (`RETENTION_EVENT_DAYS`, `RETENTION_BODY_DAYS`).
"""

from django.conf import settings
from django.db import models

from tenants.models import TenantOwned


class RetentionPolicy(TenantOwned):
    """The tenant's own retention periods, in days; empty: the platform's default."""

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="retention_policy"
    )
    event_days = models.PositiveIntegerField(
        "keep raw events (days)",
        null=True,
        blank=True,
        help_text="Twilio callbacks, email tracking events and sent webhooks older than "
        "this are deleted. Empty: the platform's default.",
    )
    body_days = models.PositiveIntegerField(
        "keep message bodies (days)",
        null=True,
        blank=True,
        help_text="The text, subject, HTML, media links and template variables of messages "
        "older than this are blanked. Empty: the platform's default.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "retention policies"

    def __str__(self) -> str:
        return f"Retention policy of tenant {self.tenant_id}"

    @property
    def effective_event_days(self) -> int | None:
        return self.event_days if self.event_days is not None else settings.RETENTION_EVENT_DAYS

    @property
    def effective_body_days(self) -> int | None:
        return self.body_days if self.body_days is not None else settings.RETENTION_BODY_DAYS
