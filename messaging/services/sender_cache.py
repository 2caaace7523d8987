"""The sender a tenant's sends resolve to, remembered for a few seconds in the Django cache.

Every send needs the Twilio account, the sender (messaging service or number) and the 10DLC
gate's verdict, and they change only when the tenant's account, numbers, services or
registrations do: the resolution costs five to seven queries, a remembered one none. Only a
send that passed them all is remembered, per (channel, requested sender, US or not), in one
cache entry per tenant. A save or delete of any row those checks read forgets the tenant's
entry (signals connected in `MessagingConfig.ready`); a write that skips signals (a queryset
`update`) is seen within `MESSAGING_SENDER_CACHE_SECONDS`, and the send task re-resolves the
account before calling Twilio in any case.
"""

from dataclasses import replace

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from messaging.services.senders import Sender
from tenants.models import Tenant

KEY_PREFIX = "messaging:senders:"
# The rows the account, sender and gate checks read: (app label, model name).
WATCHED_MODELS = (
    ("provisioning", "TwilioSubaccount"),
    ("provisioning", "PhoneNumber"),
    ("provisioning", "MessagingService"),
    ("compliance", "TollFreeVerification"),
    ("compliance", "A2PCampaign"),
    ("compliance", "A2PBrand"),
    ("compliance", "Registration"),
)


def _key(tenant_id: int) -> str:
    return f"{KEY_PREFIX}{tenant_id}"


def _slot(channel: str, to: str, from_: str) -> str:
    # The gate only asks whether the recipient is reached through +1 (US/CA rules).
    return f"{channel}|{from_}|{'nanp' if to.startswith('+1') else 'other'}"


def cached_sender(tenant: Tenant, *, channel: str, to: str, from_: str) -> Sender | None:
    """The sender a send like this passed every check with a moment ago, or None."""
    if tenant.status != Tenant.Status.ACTIVE or settings.MESSAGING_SENDER_CACHE_SECONDS <= 0:
        return None
    entry = cache.get(_key(tenant.pk)) or {}
    sender = entry.get(_slot(channel, to, from_))
    return replace(sender, to=to) if sender is not None else None


def remember_sender(tenant: Tenant, sender: Sender, *, from_: str) -> None:
    """Keep a sender that passed the account, sender and gate checks (without its row)."""
    seconds = settings.MESSAGING_SENDER_CACHE_SECONDS
    if seconds <= 0:
        return
    key = _key(tenant.pk)
    entry = cache.get(key) or {}
    entry[_slot(sender.channel, sender.to, from_)] = replace(sender, to="", number=None)
    cache.set(key, entry, seconds)


def forget_senders(tenant_id: int | None) -> None:
    if tenant_id is not None:
        cache.delete(_key(tenant_id))


def _forget_tenant(sender, instance, **kwargs) -> None:
    forget_senders(instance.pk)


def _forget_owner(sender, instance, **kwargs) -> None:
    forget_senders(getattr(instance, "tenant_id", None))


def connect_invalidation() -> None:
    """Forget a tenant's senders whenever a row they were resolved from is saved or deleted."""
    post_save.connect(_forget_tenant, sender=Tenant, dispatch_uid="messaging-senders-tenant")
    post_delete.connect(_forget_tenant, sender=Tenant, dispatch_uid="messaging-senders-tenant-d")
    for app_label, model_name in WATCHED_MODELS:
        if not apps.is_installed(app_label):
            continue
        model = apps.get_model(app_label, model_name)
        uid = f"messaging-senders-{app_label}.{model_name}"
        post_save.connect(_forget_owner, sender=model, dispatch_uid=uid)
        post_delete.connect(_forget_owner, sender=model, dispatch_uid=f"{uid}-d")
