"""Forget this person: record the request, then erase step by step under a claim.

The worker claims the request (a committed token and lease, `isvplatform.claims`), runs
each step in batches of `PRIVACY_BATCH_SIZE`, each batch in its own short transaction that
also saves the progress, and completes it: the address is dropped, only its keyed hash and
the counts remain, and the audit log says who asked and what went. A worker that dies leaves
a lease that runs out; the sweeper enqueues the request again and it resumes where it was.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from isvplatform import claims
from isvplatform.enqueue import publish_after_commit
from messaging.services.common import normalize_email, normalize_number
from privacy.hashing import subject_digest
from privacy.models import ErasureRequest, SubjectKind
from privacy.services.erasure_steps import STEPS
from privacy.services.erasure_traces import erased_message_events
from privacy.services.subject import Subject
from tenants.models import Tenant
from tenants.services import Actor, record_audit

ERASE_TASK = "privacy.erase"
OPEN = (ErasureRequest.Status.PENDING, ErasureRequest.Status.RUNNING)


class ClaimLost(Exception):
    """Another worker took the request over (our lease ran out)."""


def clean_subject(phone: str | None, email: str | None) -> tuple[str, str]:
    """(kind, normalised address) from exactly one of `phone` (E.164) and `email`."""
    phone, email = (phone or "").strip(), (email or "").strip()
    if phone and email:
        raise ValidationError({"email": "Give a phone number or an email address, not both."})
    if phone:
        return SubjectKind.PHONE, normalize_number(phone, "phone")
    if email:
        return SubjectKind.EMAIL, normalize_email(email, "email")
    raise ValidationError({"phone": "Give the phone number (E.164) or the email address."})


def mask(kind: str, value: str) -> str:
    """What the pages show of the address: enough to recognise, not to recover."""
    if kind == SubjectKind.EMAIL:
        local, _, domain = value.partition("@")
        return f"{local[:1]}•••@{domain}"[:32]
    return f"{value[:2]}•••{value[-2:]}"


def _event(status: str, **extra) -> dict:
    return {"status": status, "at": timezone.now().isoformat(), **extra}


def erasure_request(
    *, tenant: Tenant, phone: str | None = None, email: str | None = None, actor: Actor
) -> ErasureRequest:
    """Record a request to forget a person and queue it; an open request for the same
    person is returned instead of a second one."""
    kind, value = clean_subject(phone, email)
    digest = subject_digest(tenant.pk, value)[1]
    with transaction.atomic():
        existing = (
            ErasureRequest.objects.for_tenant(tenant)
            .filter(subject_hash=digest, status__in=OPEN)
            .first()
        )
        if existing is not None:
            return existing
        request = ErasureRequest(
            tenant=tenant,
            subject_kind=kind,
            subject_hash=digest,
            subject_hint=mask(kind, value),
            requested_by=actor.user,
            actor_label=actor.label,
            timeline=[_event(ErasureRequest.Status.PENDING)],
        )
        request.subject = value
        request.save()
        record_audit(
            tenant=tenant,
            actor=actor,
            action="privacy.erasure_requested",
            target=request,
            changes={"kind": kind, "subject": request.subject_hint},
        )
        publish_after_commit(ERASE_TASK, str(request.pk))
    return request


def _claim(request_id: str) -> claims.Claim | None:
    return claims.claim(
        ErasureRequest.objects.filter(status__in=OPEN),
        request_id,
        seconds=settings.PRIVACY_LEASE_SECONDS,
        status=ErasureRequest.Status.RUNNING,
        attempts=F("attempts") + 1,
    )


def erasure_run(request_id: str) -> bool:
    """Take the request and erase until done; False when another worker holds it or it is
    already finished (a duplicate task is a no-op)."""
    held = _claim(request_id)
    if held is None:
        return False
    request = ErasureRequest.objects.get(pk=request_id)
    if request.attempts > settings.PRIVACY_MAX_ATTEMPTS:
        _finish(request, held, ErasureRequest.Status.FAILED, error="Gave up after many attempts.")
        return True
    if request.started_at is None:
        request.started_at = timezone.now()
        request.timeline = [*request.timeline, _event(ErasureRequest.Status.RUNNING)]
        _save(request, held, "started_at", "timeline")
    subject = Subject(
        tenant=request.tenant, kind=request.subject_kind, value=request.subject.reveal()
    )
    try:
        _run_steps(request, held, subject)
    except ClaimLost:
        return False
    _finish(request, held, ErasureRequest.Status.DONE)
    return True


def _run_steps(request: ErasureRequest, held: claims.Claim, subject: Subject) -> None:
    limit = settings.PRIVACY_BATCH_SIZE
    while request.step < len(STEPS):
        step = STEPS[request.step]
        if step.prepare is not None:
            step.prepare(subject, limit)
        handled = None if step.in_transaction else step.run(subject, limit)
        with transaction.atomic():
            if handled is None:
                handled = step.run(subject, limit)
            if handled:
                counts = dict(request.counts)
                counts[step.name] = counts.get(step.name, 0) + handled
                request.counts = counts
            else:
                request.step += 1
            _save(request, held, "counts", "step")


def _save(request: ErasureRequest, held: claims.Claim, *fields: str) -> None:
    """Write progress only while our claim holds, renewing its lease."""
    until = timezone.now() + timedelta(seconds=settings.PRIVACY_LEASE_SECONDS)
    values = {name: getattr(request, name) for name in fields}
    if not claims.holds(ErasureRequest.objects.all(), held).update(claimed_until=until, **values):
        raise ClaimLost


def _finish(request: ErasureRequest, held: claims.Claim, status: str, error: str = "") -> None:
    """Done (or given up): the address goes, the hash and the counts stay; audited."""
    with transaction.atomic():
        request.timeline = [*request.timeline, _event(status)]
        released = claims.release(
            ErasureRequest.objects.all(),
            held,
            status=status,
            subject=None,
            error=error,
            finished_at=timezone.now(),
            timeline=request.timeline,
        )
        if not released:
            return
        record_audit(
            tenant=request.tenant,
            actor=Actor.system(),
            action="privacy.erasure_completed"
            if status == ErasureRequest.Status.DONE
            else "privacy.erasure_failed",
            target=request,
            changes={"counts": request.counts, "subject": request.subject_hint},
        )


def erasure_progress(request: ErasureRequest) -> int:
    """Percent of the steps done (a step's batches are not known in advance)."""
    if request.status == ErasureRequest.Status.DONE:
        return 100
    return min(99, round(100 * request.step / len(STEPS)))


def erasures_due() -> list[str]:
    """Open requests nobody holds: a lost enqueue, or a worker that died mid-way."""
    found = ErasureRequest.objects.filter(status__in=OPEN).filter(claims.free())
    return [str(pk) for pk in found.order_by("created_at").values_list("pk", flat=True)[:200]]


def erasures_scrub_late_events(now=None) -> int:
    """Twilio's callbacks that arrived after an erasure about the messages it erased (a late
    `delivered`, a retried callback) carry the number again: the sweep deletes them for
    `PRIVACY_LATE_EVENT_HOURS` after each erasure."""
    now = now or timezone.now()
    recent = ErasureRequest.objects.filter(
        status=ErasureRequest.Status.DONE,
        finished_at__gte=now - timedelta(hours=settings.PRIVACY_LATE_EVENT_HOURS),
    ).select_related("tenant")
    deleted = 0
    for request in recent.order_by("finished_at")[:200]:
        since = request.started_at or request.created_at
        found = erased_message_events(request.tenant, since=since)
        deleted += found.filter(pk__in=list(found.values_list("pk", flat=True)[:5000])).delete()[0]
    return deleted
