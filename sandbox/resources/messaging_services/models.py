from django.db import models

from sandbox.core import cache
from sandbox.core.models import Account
from sandbox.resources.phone_numbers.models import PhoneNumber


class MessagingService(models.Model):
    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="messaging_services"
    )
    friendly_name = models.CharField(max_length=64)
    inbound_request_url = models.TextField(blank=True)
    inbound_method = models.CharField(max_length=8, default="POST")
    fallback_url = models.TextField(blank=True)
    fallback_method = models.CharField(max_length=8, default="POST")
    status_callback = models.TextField(blank=True)
    sticky_sender = models.BooleanField(default=True)
    area_code_geomatch = models.BooleanField(default=True)
    use_inbound_webhook_on_number = models.BooleanField(default=False)
    validity_period = models.PositiveIntegerField(default=14400)
    usecase = models.CharField(max_length=64, default="undeclared")
    us_app_to_person_registered = models.BooleanField(default=False)
    advanced_opt_out = models.BooleanField(
        default=True, help_text="Console-only on Twilio: STOP/START/HELP handled per service."
    )
    config = models.JSONField(default=dict, blank=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    def __str__(self) -> str:
        return self.sid


class ServicePhoneNumber(models.Model):
    """A number in a service's sender pool; a number belongs to at most one service."""

    service = models.ForeignKey(
        MessagingService, on_delete=models.CASCADE, related_name="memberships"
    )
    phone_number = models.OneToOneField(
        PhoneNumber, on_delete=models.CASCADE, related_name="service_membership"
    )
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.phone_number} in {self.service}"


cache.watch(MessagingService, ServicePhoneNumber)
