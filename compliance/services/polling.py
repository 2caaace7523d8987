"""Following Twilio's reviews: one poll per undecided object, with backoff, and the chain
continued when a poll moves a status. `due_polls` and `due_runs` feed the beat tasks."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from compliance import enqueue
from compliance.models import (
    A2PBrand,
    A2PCampaign,
    CustomerProfile,
    Registration,
    ReviewStatus,
    TrustProduct,
    TwilioReviewed,
)
from compliance.services.brand_otp import brand_poll_delay
from compliance.services.brands import apply_brand, record_vetting
from compliance.services.campaigns import apply_campaign
from compliance.services.chain import registration_run
from compliance.services.common import (
    POLL_LEASE,
    Api,
    ChainWaiting,
    api_for,
    poll_delay,
    save_fields,
)
from compliance.services.trusthub import apply_bundle
from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount
from tenants.services import Actor, record_audit

POLLED_MODELS: dict[str, type[TwilioReviewed]] = {
    model.step: model for model in (CustomerProfile, TrustProduct, A2PBrand, A2PCampaign)
}


def due_polls(now: datetime | None = None, limit: int = 500) -> list[tuple[str, str]]:
    """(step, id) of every non-final object whose next poll is due."""
    now = now or timezone.now()
    due: list[tuple[str, str]] = []
    for step, model in POLLED_MODELS.items():
        ids = (
            model.objects.filter(next_poll_at__lte=now)
            .exclude(status__in=[ReviewStatus.APPROVED, ReviewStatus.REJECTED])
            .exclude(sid="")
            .order_by("next_poll_at")
            .values_list("pk", flat=True)[:limit]
        )
        due += [(step, str(pk)) for pk in ids]
    return due


def _fetch(api: Api, obj: TwilioReviewed) -> Any:
    if isinstance(obj, CustomerProfile):
        return api(gateway.fetch_trust_bundle, "customer_profile", obj.sid)
    if isinstance(obj, TrustProduct):
        return api(gateway.fetch_trust_bundle, "trust_product", obj.sid)
    if isinstance(obj, A2PBrand):
        return api(gateway.fetch_brand_registration, obj.sid)
    return api(gateway.fetch_a2p_campaign, obj.messaging_service_sid, obj.sid)


def _registrations_of(obj: TwilioReviewed):
    field = {
        "customer_profile": "customer_profile",
        "trust_product": "trust_product",
        "brand": "brand",
        "campaign": "campaign",
    }[obj.step]
    return Registration.objects.filter(**{field: obj}).order_by("-version")


def _poll_failed(obj: TwilioReviewed, err: Exception, now: datetime) -> None:
    """The fetch failed (outage, rate limit): keep the state, record the error, back off."""
    attempts = obj.poll_attempts + 1
    save_fields(
        obj,
        last_error_code=getattr(err, "code", None),
        last_error_message=getattr(err, "message", "") or str(err),
        poll_attempts=attempts,
        last_polled_at=now,
        next_poll_at=now + poll_delay(attempts),
    )


def poll_object(step: str, object_id: str, *, force: bool = False) -> TwilioReviewed | None:
    """Fetch one object from Twilio and apply its status; idempotent, and a no-op once final.

    Claims the poll by pushing `next_poll_at` ahead, so a duplicate task skips it. A failed
    fetch (outage, rate limit) keeps the state, records the error and backs off.
    """
    model = POLLED_MODELS[step]
    now = timezone.now()
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(pk=object_id).first()
        if obj is None or obj.is_final or not obj.sid:
            return obj
        if not force and (obj.next_poll_at is None or obj.next_poll_at > now):
            return obj
        save_fields(obj, next_poll_at=now + POLL_LEASE)
    try:
        found = _fetch(api_for(obj.tenant), obj)
    except (gateway.GatewayError, ChainWaiting, NoTwilioAccount) as err:
        _poll_failed(obj, err, now)
        return obj
    registrations = list(_registrations_of(obj))
    current = next(
        (r for r in registrations if r.is_open), registrations[0] if registrations else None
    )
    vetted = False
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=obj.pk)
        if isinstance(obj, A2PBrand):
            changed = apply_brand(obj, found, current)
            vetted = obj.is_approved and changed
        elif isinstance(obj, A2PCampaign):
            changed = apply_campaign(obj, found, current)
        else:
            changed = apply_bundle(obj, found, current)
        attempts = 0 if changed else obj.poll_attempts + 1
        delay = brand_poll_delay(obj, attempts) if isinstance(obj, A2PBrand) else None
        save_fields(
            obj,
            poll_attempts=attempts,
            last_polled_at=now,
            last_error_code=None,
            last_error_message="",
            next_poll_at=None if obj.is_final else now + (delay or poll_delay(attempts)),
        )
        if changed:
            for registration in registrations:
                if registration.is_open:
                    enqueue.run_registration(registration.pk)
    if vetted:
        # Read from Twilio after the transaction: no row lock is held while Twilio answers.
        record_vetting(obj)
    return obj


def registration_repoll(*, registration: Registration, actor: Actor) -> Registration:
    """Poll every undecided object of a version now, then continue its chain (staff action)."""
    record_audit(
        tenant=registration.tenant,
        actor=actor,
        action="a2p.registration.repolled",
        target=registration,
    )
    for obj in (
        registration.customer_profile,
        registration.trust_product,
        registration.brand,
        registration.campaign,
    ):
        if obj is not None and obj.sid and not obj.is_final:
            poll_object(obj.step, str(obj.pk), force=True)
    if registration.is_open:
        registration_run(registration.pk)
    registration.refresh_from_db()
    return registration


def poll_bundle_by_sid(sid: str) -> TwilioReviewed | None:
    """A TrustHub status callback names a bundle: poll it now (the fetch is authoritative)."""
    for model in (CustomerProfile, TrustProduct):
        obj = model.objects.filter(sid=sid).first()
        if obj is not None:
            return poll_object(obj.step, str(obj.pk), force=True)
    return None


def due_runs(now: datetime | None = None) -> list[str]:
    now = now or timezone.now()
    return [
        str(pk)
        for pk in Registration.objects.filter(
            status__in=Registration.OPEN_STATUSES, next_run_at__lte=now
        ).values_list("pk", flat=True)[:500]
    ]
