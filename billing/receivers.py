"""Signal receivers of the billing app (loaded by `BillingConfig.ready`)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from billing.models import SendingQuota
from billing.services.quotas import forget_quota


@receiver(post_save, sender=SendingQuota, dispatch_uid="billing-quota-saved")
@receiver(post_delete, sender=SendingQuota, dispatch_uid="billing-quota-deleted")
def _forget_saved_quota(sender, instance: SendingQuota, **kwargs) -> None:
    """A changed quota is read afresh by the next send (not after the cache expires)."""
    forget_quota(instance.tenant_id, instance.channel)
