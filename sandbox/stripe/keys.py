"""The local Stripe's secret key: `STRIPE_SANDBOX_API_KEY`, or one derived from
`SECRET_KEY` (so it differs per installation and never is a real Stripe key). The account
is made with the configured key on first use; a key changed afterwards is refused (401)."""

import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox.stripe.models import StripeAccount


def secret_key() -> str:
    configured = getattr(settings, "STRIPE_SANDBOX_API_KEY", "")
    if configured:
        return configured
    digest = hashlib.sha256(f"stripe-sandbox:{settings.SECRET_KEY}".encode()).hexdigest()
    return f"sk_test_{digest[:40]}"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def ensure_account() -> StripeAccount:
    account = StripeAccount.objects.order_by("pk").first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return StripeAccount.objects.create(
                key_hash=_hash(secret_key()), created=timezone.now()
            )
    except IntegrityError:
        return StripeAccount.objects.order_by("pk").first()


def is_valid(candidate: str) -> bool:
    if not candidate:
        return False
    return hmac.compare_digest(_hash(candidate), ensure_account().key_hash)


def masked(candidate: str) -> str:
    """A key as Stripe's errors show it: its prefix and last four characters."""
    prefix = candidate[:8] if candidate.startswith(("sk_", "rk_", "pk_")) else ""
    return f"{prefix}{'*' * 12}{candidate[-4:]}"
