"""Sender identities: a domain (Easy DKIM: three CNAMEs) or a single address, created at SES
by a task and polled by beat until SES verifies it. Nothing is sent from an identity that
isn't verified (`verified_identity_for`).

Calls to SES run under a claim on the row (no lock across the call); each status change is
audited and the tenant's owners are emailed. With an ESP other than SES, identities can't be
created through its API: they wait as "not started" until staff mark them verified.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from emails import enqueue
from emails.models import EmailIdentity
from emails.services.setup import call, error_message, refused_as
from isvplatform import claims
from isvplatform.public import absolute_url
from tenants.models import Tenant
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

SES = "amazon_ses"
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
CALL_LEASE_SECONDS = 120
MAX_POLL_SECONDS = 6 * 3600
POLLED = (
    EmailIdentity.Status.PENDING,
    EmailIdentity.Status.TEMPORARY_FAILURE,
    EmailIdentity.Status.NOT_STARTED,
)
# A verified identity is looked at again daily: SES revokes it when its DNS records go.
RECHECK_VERIFIED = timedelta(days=1)
CHECKED = (*POLLED, EmailIdentity.Status.VERIFIED)
SES_STATUSES = {
    "SUCCESS": EmailIdentity.Status.VERIFIED,
    "PENDING": EmailIdentity.Status.PENDING,
    "FAILED": EmailIdentity.Status.FAILED,
    "TEMPORARY_FAILURE": EmailIdentity.Status.TEMPORARY_FAILURE,
    "NOT_STARTED": EmailIdentity.Status.NOT_STARTED,
}
NOT_SES_REASON = (
    "{esp} has no API for creating sender identities: verify the domain in {esp}'s own "
    "console; the platform's staff then mark it verified here."
)


@dataclass(frozen=True)
class DnsRecord:
    type: str
    name: str
    value: str
    purpose: str
    required: bool


def _parse_name(name: str) -> tuple[str, str]:
    """(kind, lower-cased name) of a domain or an address; a ValidationError naming "name"."""
    value = (name or "").strip().lower().rstrip(".")
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError({"name": "Enter a valid email address or domain."}) from None
        return EmailIdentity.Kind.EMAIL_ADDRESS, value
    if not DOMAIN_RE.match(value):
        raise ValidationError({"name": "Enter a domain like example.com, or an email address."})
    return EmailIdentity.Kind.DOMAIN, value


def _uses_own_account(tenant: Tenant) -> bool:
    from emails import esp

    return esp.active_credentials(tenant) is not None


def _check_unique(tenant: Tenant, name: str, own: bool) -> None:
    if EmailIdentity.objects.for_tenant(tenant).filter(name=name).exists():
        raise ValidationError({"name": f"You have already added {name}."})
    if not own and EmailIdentity.objects.filter(name=name, own_credentials=False).exists():
        raise ValidationError({"name": f"{name} is already in use by another account."})


def identity_create(*, tenant: Tenant, name: str, actor: Actor) -> EmailIdentity:
    """Add a domain or address; SES is asked to create it once this commits."""
    kind, name = _parse_name(name)
    own = _uses_own_account(tenant)
    _check_unique(tenant, name, own)
    esp_name = settings.EMAIL_ESP
    through_ses = esp_name == SES
    try:
        with transaction.atomic():
            identity = EmailIdentity.objects.create(
                tenant=tenant,
                kind=kind,
                name=name,
                own_credentials=own,
                esp=esp_name,
                status=EmailIdentity.Status.PENDING
                if through_ses
                else EmailIdentity.Status.NOT_STARTED,
                failure_reason="" if through_ses else NOT_SES_REASON.format(esp=esp_name),
                created_by=actor.user,
                actor_label=actor.label,
            )
            record_audit(
                tenant=tenant,
                actor=actor,
                action="email.identity.created",
                target=identity,
                changes={"name": name, "kind": kind, "esp": esp_name},
            )
            if through_ses:
                enqueue.create_identity(identity.pk)
    except IntegrityError:
        raise ValidationError({"name": f"{name} is already in use."}) from None
    return identity


def _client(identity: EmailIdentity) -> Any:
    from emails import esp

    return esp.ses_client(tenant=identity.tenant)


def _status_of(answer: dict[str, Any]) -> tuple[str, str, list[str]]:
    """(platform status, SES's DKIM status, DKIM tokens) from SES's identity answer."""
    dkim = answer.get("DkimAttributes") or {}
    if answer.get("VerifiedForSendingStatus"):
        status = EmailIdentity.Status.VERIFIED
    else:
        raw = str(answer.get("VerificationStatus") or dkim.get("Status") or "PENDING")
        status = SES_STATUSES.get(raw.upper(), EmailIdentity.Status.PENDING)
        if status == EmailIdentity.Status.VERIFIED:
            status = EmailIdentity.Status.PENDING
    return status, str(dkim.get("Status") or ""), list(dkim.get("Tokens") or [])


def poll_delay(checks: int) -> timedelta:
    """Doubling from EMAIL_IDENTITY_POLL_SECONDS while SES hasn't decided, capped at 6 h."""
    base = max(1.0, float(settings.EMAIL_IDENTITY_POLL_SECONDS))
    return timedelta(seconds=min(MAX_POLL_SECONDS, base * (2 ** min(checks, 12))))


def _fetch(identity: EmailIdentity, *, create: bool) -> dict[str, Any]:
    """SES's view of the identity, creating it first (or when SES doesn't know it)."""
    from emails import esp

    client = _client(identity)
    if create:
        try:
            params: dict[str, Any] = {"EmailIdentity": identity.name}
            if settings.AWS_SES_CONFIGURATION_SET and not identity.own_credentials:
                params["ConfigurationSetName"] = settings.AWS_SES_CONFIGURATION_SET
            return call(client, "create_email_identity", **params)
        except esp.EspError as err:
            if not refused_as(err, "AlreadyExistsException"):
                raise
    try:
        return call(client, "get_email_identity", EmailIdentity=identity.name)
    except esp.EspError as err:
        if create or not refused_as(err, "NotFoundException"):
            raise
    return _fetch(identity, create=True)


def _apply(identity: EmailIdentity, answer: dict[str, Any]) -> bool:
    """Write SES's answer (inside a transaction, row locked); True when the status moved."""
    status, dkim_status, tokens = _status_of(answer)
    before = identity.status
    now = timezone.now()
    moved = status != before
    identity.checks = 0 if moved else identity.checks + 1
    identity.status = status
    identity.dkim_status = dkim_status
    identity.dkim_tokens = tokens or identity.dkim_tokens
    identity.last_checked_at = now
    identity.next_check_at = _next_check(status, identity.checks, now)
    identity.failure_reason = _failure_reason(answer) if status == identity.Status.FAILED else ""
    if status == identity.Status.VERIFIED and identity.verified_at is None:
        identity.verified_at = now
    identity.updated_at = now
    identity.save()
    if moved:
        _announce_change(identity, before, actor=Actor.system())
    return moved


def _next_check(status: str, checks: int, now) -> Any:
    if status == EmailIdentity.Status.VERIFIED:
        return now + RECHECK_VERIFIED
    return now + poll_delay(checks) if status in POLLED else None


def _failure_reason(answer: dict[str, Any]) -> str:
    info = answer.get("VerificationInfo") or {}
    kind = info.get("ErrorType") or "DNS records not found"
    return f"SES could not verify the identity ({kind}); check the DNS records and add it again."


def _announce_change(identity: EmailIdentity, before: str, *, actor: Actor) -> None:
    record_audit(
        tenant=identity.tenant,
        actor=actor,
        action=f"email.identity.{identity.status}",
        target=identity,
        changes={
            "status": [before, identity.status],
            "name": identity.name,
            **({"dkim_status": identity.dkim_status} if identity.dkim_status else {}),
            **({"reason": identity.failure_reason} if identity.failure_reason else {}),
        },
    )
    identity_id, status = identity.pk, identity.status
    transaction.on_commit(lambda: email_owners(identity_id, status))


def email_owners(identity_id: Any, status: str) -> int:
    """Tell the tenant's owners what became of the identity (a mail failure is logged)."""
    from compliance.notify import owner_emails

    identity = EmailIdentity.objects.select_related("tenant").filter(pk=identity_id).first()
    if identity is None:
        return 0
    recipients = owner_emails(identity.tenant)
    if not recipients:
        return 0
    label = EmailIdentity.Status(status).label
    body = (
        f"The sender identity {identity.name} of {identity.tenant.name} is now: {label}.\n\n"
        + (f"{identity.failure_reason}\n\n" if identity.failure_reason else "")
        + f"Details and DNS records: {absolute_url(f'/email/identities/{identity.pk}/')}\n"
    )
    try:
        return send_mail(f"Email identity {identity.name}: {label}", body, None, recipients)
    except Exception:
        logger.exception("could not email the owners about identity %s", identity_id)
        return 0


def _run(identity_id: str, *, create: bool, force: bool) -> str:
    """Claim the identity, ask SES (no transaction open), write the answer under the claim."""
    from emails import esp

    queryset = EmailIdentity.objects.filter(esp=SES, status__in=CHECKED)
    if not force and not create:
        due = Q(next_check_at__isnull=True) | Q(next_check_at__lte=timezone.now())
        queryset = queryset.filter(due)
    held = claims.claim(queryset, identity_id, seconds=CALL_LEASE_SECONDS)
    identity = EmailIdentity.objects.select_related("tenant").filter(pk=identity_id).first()
    if identity is None:
        return "missing"
    if held is None:
        return identity.status
    try:
        answer = _fetch(identity, create=create)
    except esp.RetryableEspError:
        claims.release(EmailIdentity.objects.all(), held)
        raise
    except esp.EspError as err:
        return _refused(held, identity, err)
    with transaction.atomic():
        locked = claims.holds(EmailIdentity.objects.all(), held).select_for_update().first()
        if locked is None:
            return identity.status
        locked.tenant = identity.tenant
        _apply(locked, answer)
        claims.release(EmailIdentity.objects.all(), held)
    return locked.status


def _refused(held: claims.Claim, identity: EmailIdentity, err: Exception) -> str:
    """SES refused the call (not a passing trouble): the identity failed, with SES's reason."""
    with transaction.atomic():
        locked = claims.holds(EmailIdentity.objects.all(), held).select_for_update().first()
        if locked is None:
            return identity.status
        before = locked.status
        locked.tenant = identity.tenant
        locked.status = EmailIdentity.Status.FAILED
        locked.failure_reason = f"SES refused it: {error_message(err)}"[:500]
        locked.next_check_at = None
        locked.last_checked_at = locked.updated_at = timezone.now()
        locked.save()
        if before != locked.status:
            _announce_change(locked, before, actor=Actor.system())
        claims.release(EmailIdentity.objects.all(), held)
    return locked.status


def identity_submit(identity_id: str) -> str:
    """Task `emails.create_identity`: CreateEmailIdentity (Easy DKIM for a domain)."""
    return _run(identity_id, create=True, force=True)


def identity_check(identity_id: str, *, force: bool = False) -> str:
    """Task `emails.check_identity` / beat: GetEmailIdentity when due (or forced)."""
    return _run(identity_id, create=False, force=force)


def due_identities(limit: int = 500) -> list[str]:
    """Identities at SES whose next check is due (the beat's work)."""
    rows = (
        EmailIdentity.objects.filter(esp=SES, status__in=CHECKED, next_check_at__lte=timezone.now())
        .filter(claims.free())
        .order_by("next_check_at")
        .values_list("pk", flat=True)[:limit]
    )
    return [str(pk) for pk in rows]


def identity_check_now(*, identity: EmailIdentity, actor: Actor) -> None:
    """The portal's "check now": a forced check after this commits."""
    if identity.esp == SES:
        enqueue.check_identity(identity.pk, True)


def identity_mark_verified(*, identity: EmailIdentity, actor: Actor) -> EmailIdentity:
    """Staff's verdict for an identity verified outside the platform (an ESP without an
    identity API)."""
    with transaction.atomic():
        locked = EmailIdentity.objects.select_for_update().get(pk=identity.pk)
        before = locked.status
        if before == EmailIdentity.Status.VERIFIED:
            return locked
        now = timezone.now()
        locked.status = EmailIdentity.Status.VERIFIED
        locked.verified_at = locked.verified_at or now
        locked.failure_reason = ""
        locked.next_check_at = None
        locked.updated_at = now
        locked.save()
        _announce_change(locked, before, actor=actor)
    return locked


def identity_delete(*, identity: EmailIdentity, actor: Actor) -> None:
    """DeleteEmailIdentity at SES (one it doesn't know is fine), then the row."""
    from emails import esp

    if identity.esp == SES:
        try:
            call(_client(identity), "delete_email_identity", EmailIdentity=identity.name)
        except esp.EspError as err:
            if not refused_as(err, "NotFoundException"):
                raise
    with transaction.atomic():
        record_audit(
            tenant=identity.tenant,
            actor=actor,
            action="email.identity.deleted",
            target=identity,
            changes={"name": identity.name, "status": identity.status},
        )
        EmailIdentity.objects.filter(pk=identity.pk).delete()


def _domain_of(identity: EmailIdentity) -> str:
    return identity.name.rsplit("@", 1)[-1]


def dns_records(identity: EmailIdentity) -> list[DnsRecord]:
    """What to publish in DNS: the Easy DKIM CNAMEs (required), SPF and DMARC (advised)."""
    domain = _domain_of(identity)
    records = [
        DnsRecord(
            type="CNAME",
            name=f"{token}._domainkey.{domain}",
            value=f"{token}.dkim.amazonses.com",
            purpose="DKIM: proves the domain signs this mail (SES Easy DKIM).",
            required=True,
        )
        for token in identity.dkim_tokens or []
    ]
    records.append(
        DnsRecord(
            type="TXT",
            name=domain,
            value="v=spf1 include:amazonses.com ~all",
            purpose="SPF (advised): allows SES to send for the domain; merge it into an "
            "existing SPF record rather than adding a second one.",
            required=False,
        )
    )
    records.append(
        DnsRecord(
            type="TXT",
            name=f"_dmarc.{domain}",
            value=f"v=DMARC1; p=none; rua=mailto:dmarc-reports@{domain}",
            purpose="DMARC (advised; Gmail and Yahoo require one of bulk senders): start with "
            "p=none and read the reports before tightening it.",
            required=False,
        )
    )
    return records


def verified_identity_for(tenant: Tenant, from_address: str) -> EmailIdentity | None:
    """The tenant's verified identity covering the address in the account it sends through
    now (its own or the platform's): the address itself, else its domain (or a parent).
    The same rule `email_send` applies."""
    from emails.services.sending import sending_identity

    return sending_identity(tenant, (from_address or "").strip().lower())
