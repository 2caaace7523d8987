from django.db import models

from sandbox.core.models import Account


class UsageTrigger(models.Model):
    class Recurring(models.TextChoices):
        DAILY = "daily"
        MONTHLY = "monthly"
        YEARLY = "yearly"
        ALLTIME = "alltime"

    class TriggerBy(models.TextChoices):
        COUNT = "count"
        USAGE = "usage"
        PRICE = "price"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="usage_triggers")
    callback_url = models.TextField()
    callback_method = models.CharField(max_length=8, default="POST")
    friendly_name = models.CharField(max_length=64, blank=True)
    recurring = models.CharField(max_length=16, choices=Recurring.choices, default="alltime")
    trigger_by = models.CharField(max_length=16, choices=TriggerBy.choices, default="usage")
    trigger_value = models.DecimalField(max_digits=16, decimal_places=5)
    usage_category = models.CharField(max_length=64)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()
    date_fired = models.DateTimeField(null=True, blank=True)
    fired_period = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid
