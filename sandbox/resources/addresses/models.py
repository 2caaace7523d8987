from django.db import models

from sandbox.core.models import Account


class Address(models.Model):
    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="addresses")
    friendly_name = models.CharField(max_length=64, blank=True)
    customer_name = models.CharField(max_length=255)
    street = models.CharField(max_length=255)
    street_secondary = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255)
    region = models.CharField(max_length=255)
    postal_code = models.CharField(max_length=32)
    iso_country = models.CharField(max_length=2)
    emergency_enabled = models.BooleanField(default=False)
    validated = models.BooleanField(default=False)
    verified = models.BooleanField(default=False)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid
