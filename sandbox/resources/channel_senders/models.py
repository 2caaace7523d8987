from django.db import models

from sandbox.core import cache
from sandbox.core.models import Account


class WhatsAppSender(models.Model):
    class Status(models.TextChoices):
        CREATING = "CREATING"
        ONLINE = "ONLINE"
        OFFLINE = "OFFLINE"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="whatsapp_senders")
    phone_number = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.ONLINE)
    display_name = models.CharField(max_length=128, blank=True)
    callback_url = models.TextField(blank=True)
    callback_method = models.CharField(max_length=8, default="POST")
    status_callback_url = models.TextField(blank=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"whatsapp:{self.phone_number}"

    @property
    def address(self) -> str:
        return f"whatsapp:{self.phone_number}"


cache.watch(WhatsAppSender)
