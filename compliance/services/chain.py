"""The step runner: one open version taken as far as Twilio allows now.

The chain follows Twilio's ISV flow for a secondary customer profile, with the tenant's
subaccount credentials: customer profile (business information, representative, address
and its document, the ISV's primary profile, evaluation, submission) -> A2P trust product
-> brand -> messaging service with the tenant's numbers -> campaign.

`registration_run` is resumable: every step records the SID Twilio returned before going on,
and looks up (by friendly name, by owning bundle or by brand) before creating, so a crash or
an outage resumes where it stopped and never creates an object twice. A wait for a review
re-checks later; an outage retries with backoff; a 4xx rejects the current step.
"""

import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from compliance.models import Registration, ReviewStatus, TwilioReviewed
from compliance.services.brands import ensure_brand
from compliance.services.campaigns import ensure_campaign
from compliance.services.common import Api, ChainWaiting, api_for, save_fields, seconds_setting
from compliance.services.messaging_services import cutover, ensure_messaging_service
from compliance.services.registrations import claim_run
from compliance.services.transitions import transition
from compliance.services.trusthub import ensure_customer_profile, ensure_trust_product
from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount

logger = logging.getLogger(__name__)


def registration_run(registration_id: uuid.UUID | str) -> Registration | None:
    """Advance one open version as far as Twilio allows now; safe to run any number of times."""
    if not claim_run(registration_id):
        return None
    registration = Registration.objects.select_related(
        "tenant", "customer_profile", "trust_product", "brand", "campaign"
    ).get(pk=registration_id)
    try:
        _run_chain(registration)
    except (ChainWaiting, NoTwilioAccount) as err:
        _retry_later(registration, None, str(err))
    except gateway.GatewayError as err:
        if isinstance(err, gateway.RetryableGatewayError | gateway.AuthenticationError):
            _retry_later(registration, err.code, err.message)
        else:
            _fail_step(registration, err)
    finally:
        Registration.objects.filter(pk=registration.pk).update(running_until=None)
    registration.refresh_from_db()
    return registration


def _retry_later(registration: Registration, code: int | None, message: str) -> None:
    attempts = registration.attempts + 1
    delay = min(
        seconds_setting("A2P_POLL_MAX_SECONDS", 6 * 3600), timedelta(seconds=30) * 2**attempts
    )
    Registration.objects.filter(pk=registration.pk).update(
        attempts=attempts,
        last_error_code=code,
        last_error_message=message,
        next_run_at=timezone.now() + delay,
    )
    logger.info("registration %s waits: %s", registration.pk, message)


def _fail_step(registration: Registration, err: gateway.GatewayError) -> None:
    """Twilio refused a request outright (4xx): the current step is rejected with its reason."""
    obj = _current_object(registration)
    reason = f"Twilio refused the {Registration.Step(registration.step).label.lower()}: "
    reason += err.twilio_message or err.message
    with transaction.atomic():
        if obj is not None and not obj.is_final:
            save_fields(
                obj,
                last_error_code=err.code,
                last_error_message=err.message,
                failure_reason=reason,
                errors=[{"code": err.code, "field": "", "message": reason}],
            )
            transition(obj, ReviewStatus.REJECTED, registration=registration, reason=reason)
        Registration.objects.filter(pk=registration.pk).update(
            last_error_code=err.code, last_error_message=err.message
        )
        registration.refresh_from_db()
        _reject(registration, reason)


def _current_object(registration: Registration) -> TwilioReviewed | None:
    return {
        Registration.Step.CUSTOMER_PROFILE: registration.customer_profile,
        Registration.Step.TRUST_PRODUCT: registration.trust_product,
        Registration.Step.BRAND: registration.brand,
        Registration.Step.CAMPAIGN: registration.campaign,
    }.get(registration.step)


def _set_step(registration: Registration, step: str) -> None:
    if registration.step != step:
        save_fields(registration, step=step)


def _reject(registration: Registration, reason: str) -> None:
    registration.rejection_reason = reason
    registration.next_run_at = None
    registration.save(update_fields=["rejection_reason", "next_run_at", "updated_at"])
    transition(registration, Registration.Status.REJECTED, registration=registration, reason=reason)


def _wait(registration: Registration) -> None:
    """Waiting on Twilio's review: polling moves on; this is the safety net if a kick is lost."""
    save_fields(
        registration,
        next_run_at=timezone.now() + seconds_setting("A2P_CHAIN_RECHECK_SECONDS", 300),
        last_error_code=None,
        last_error_message="",
        attempts=0,
    )


def _run_chain(registration: Registration) -> None:
    snapshot = registration.snapshot
    api = api_for(registration.tenant)
    cp, tp = registration.customer_profile, registration.trust_product

    _set_step(registration, Registration.Step.CUSTOMER_PROFILE)
    ensure_customer_profile(api, registration, cp, snapshot)
    if cp.status == ReviewStatus.REJECTED:
        return _reject(registration, _reason("business profile", cp))
    if cp.status == ReviewStatus.DRAFT:
        return _wait(registration)
    if registration.status == Registration.Status.SUBMITTED:
        transition(registration, Registration.Status.IN_REVIEW, registration=registration)

    _set_step(registration, Registration.Step.TRUST_PRODUCT)
    ensure_trust_product(api, registration, tp, cp, snapshot)
    if tp.status == ReviewStatus.REJECTED:
        return _reject(registration, _reason("messaging profile", tp))
    if tp.status == ReviewStatus.DRAFT:
        return _wait(registration)

    _set_step(registration, Registration.Step.BRAND)
    brand = ensure_brand(api, registration, cp, tp)
    if brand.status == ReviewStatus.REJECTED:
        return _reject(registration, _reason("brand", brand))
    for bundle, words in ((cp, "business profile"), (tp, "messaging profile")):
        if bundle.status == ReviewStatus.REJECTED:
            return _reject(registration, _reason(words, bundle))

    _set_step(registration, Registration.Step.MESSAGING_SERVICE)
    ensure_messaging_service(api, registration)
    if brand.status != ReviewStatus.APPROVED:
        _set_step(registration, Registration.Step.BRAND)
        return _wait(registration)

    _set_step(registration, Registration.Step.CAMPAIGN)
    campaign = ensure_campaign(api, registration, brand, snapshot)
    if campaign is None or campaign.status == ReviewStatus.REJECTED:
        return _reject(registration, _reason("campaign", campaign) if campaign else "")
    if campaign.status != ReviewStatus.APPROVED:
        return _wait(registration)
    _finish(api, registration)
    return None


def _reason(words: str, obj: TwilioReviewed) -> str:
    detail = obj.failure_reason or "; ".join(e.get("message", "") for e in obj.errors or [])
    return f"The {words} was rejected: {detail or 'no reason given'}"


def _finish(api: Api, registration: Registration) -> None:
    if registration.needs_cutover:
        cutover(api, registration)
    with transaction.atomic():
        previous = (
            Registration.objects.for_tenant(registration.tenant)
            .select_for_update()
            .filter(is_active=True)
            .exclude(pk=registration.pk)
            .first()
        )
        if previous is not None:
            save_fields(previous, is_active=False)
            transition(
                previous,
                Registration.Status.SUPERSEDED,
                registration=previous,
                reason=f"Version {registration.version} was approved.",
            )
        save_fields(registration, is_active=True, step=Registration.Step.DONE, next_run_at=None)
        transition(registration, Registration.Status.APPROVED, registration=registration)
