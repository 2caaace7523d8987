from django.db import models

from sandbox.resources.verify_services.models import VerifyService


class MessagingConfiguration(models.Model):
    service = models.ForeignKey(
        VerifyService, on_delete=models.CASCADE, related_name="messaging_configurations"
    )
    country = models.CharField(max_length=3, help_text="ISO 3166-1 alpha-2, or `all`.")
    messaging_service_sid = models.CharField(max_length=34)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "country"], name="sandbox_verify_msgconfig_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.country}"
