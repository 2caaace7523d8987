import uuid

from django.db import models

from isvplatform.fields import EncryptedTextField
from tenants.models import TenantOwned


class SecretNote(TenantOwned):
    """A tenant-owned row with a secret, like a subaccount's auth token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    label = models.CharField(max_length=100, blank=True)
    token = EncryptedTextField()
    other_token = EncryptedTextField()

    def __str__(self) -> str:
        return self.label or str(self.id)
