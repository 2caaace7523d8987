from django.db import models

from sandbox.core.models import Account


class SafeListNumber(models.Model):
    """A number on the account's Verify SafeList (`GN…`)."""

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="safelist")
    phone_number = models.CharField(max_length=20)
    date_created = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "phone_number"], name="sandbox_safelist_unique"
            )
        ]

    def __str__(self) -> str:
        return self.phone_number
