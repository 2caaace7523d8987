from django.db import models

from sandbox.core import cache
from sandbox.core.models import Account


class PhoneNumber(models.Model):
    """A number an account owns (an IncomingPhoneNumber)."""

    class Kind(models.TextChoices):
        LOCAL = "local"
        TOLL_FREE = "tollfree"
        MOBILE = "mobile"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="phone_numbers")
    phone_number = models.CharField(max_length=20, unique=True)
    friendly_name = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.LOCAL)
    iso_country = models.CharField(max_length=2, default="US")
    voice_capable = models.BooleanField(default=True)
    sms_capable = models.BooleanField(default=True)
    mms_capable = models.BooleanField(default=True)
    sms_url = models.TextField(blank=True)
    sms_method = models.CharField(max_length=8, default="POST")
    sms_fallback_url = models.TextField(blank=True)
    sms_fallback_method = models.CharField(max_length=8, default="POST")
    status_callback = models.TextField(blank=True)
    status_callback_method = models.CharField(max_length=8, default="POST")
    config = models.JSONField(default=dict, blank=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    def __str__(self) -> str:
        return self.phone_number


cache.watch(PhoneNumber)
