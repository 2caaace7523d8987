"""Reading a tenant's email rows: the one way views, the API and the admin reach them by id,
the lists' searches, the suppression list (email opt-outs), and the human labels of an
identity's history and of an email's tracking events."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet, TextChoices
from django.http import Http404

from emails.models import EmailEvent, EmailIdentity, EmailTemplate, EspCredentials
from isvplatform.labels import label_for, register_labels
from messaging.models import Channel, Message, OptOut
from tenants.models import AuditEvent, Tenant

MAX_QUERY = 200


class EmailEventType(TextChoices):
    """anymail's normalised event types, as people read them (registered as labels, so
    messaging's pages name them without importing this app)."""

    QUEUED = "queued", "Accepted by the ESP"
    SENT = "sent", "Sent by the ESP"
    DELIVERED = "delivered", "Delivered to the mailbox"
    DEFERRED = "deferred", "Delivery delayed (retrying)"
    BOUNCED = "bounced", "Bounced"
    REJECTED = "rejected", "Rejected by the ESP"
    FAILED = "failed", "Failed"
    COMPLAINED = "complained", "Marked as spam"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    SUBSCRIBED = "subscribed", "Subscribed"
    OPENED = "opened", "Opened"
    CLICKED = "clicked", "Link clicked"
    AUTORESPONDED = "autoresponded", "Automatic reply"
    INBOUND = "inbound", "Reply received"
    INBOUND_FAILED = "inbound_failed", "Reply refused"
    UNKNOWN = "unknown", "Other event"


register_labels("email_event_type", EmailEventType)


def _get(queryset: QuerySet, pk: object, what: str) -> Model:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError) as err:
        raise Http404(f"No such {what}.") from err


def _query(query: str) -> str:
    return (query or "").replace("\x00", "").strip()[:MAX_QUERY]


def identity_for_tenant(tenant: Tenant, identity_id: object) -> EmailIdentity:
    """The tenant's sending identity by id; another tenant's (or a malformed id) is a 404."""
    return _get(EmailIdentity.objects.for_tenant(tenant), identity_id, "sending identity")


def identity_list(tenant: Tenant, *, query: str = "", status: str = "") -> QuerySet:
    found = EmailIdentity.objects.for_tenant(tenant)
    query = _query(query)
    if query:
        found = found.filter(name__icontains=query.lower())
    if status in EmailIdentity.Status.values:
        found = found.filter(status=status)
    return found


def verified_identities(tenant: Tenant) -> QuerySet:
    return EmailIdentity.objects.for_tenant(tenant).filter(status=EmailIdentity.Status.VERIFIED)


def from_suggestions(tenant: Tenant) -> list[str]:
    """Addresses to offer in a From field: each verified single address, and a few usual
    mailboxes at each verified domain (any address at a verified domain may send)."""
    suggestions: list[str] = []
    for identity in verified_identities(tenant):
        if identity.kind == EmailIdentity.Kind.DOMAIN:
            suggestions += [f"{box}@{identity.name}" for box in ("hello", "news", "no-reply")]
        else:
            suggestions.append(identity.name)
    return suggestions


def template_for_tenant(tenant: Tenant, template_id: object) -> EmailTemplate:
    return _get(EmailTemplate.objects.for_tenant(tenant), template_id, "email template")


def template_list(tenant: Tenant, *, query: str = "", category: str = "") -> QuerySet:
    found = EmailTemplate.objects.for_tenant(tenant)
    query = _query(query)
    if query:
        found = found.filter(Q(name__icontains=query) | Q(subject__icontains=query))
    if category in EmailTemplate.Category.values:
        found = found.filter(category=category)
    return found


def credentials_for(tenant: Tenant) -> EspCredentials | None:
    return EspCredentials.objects.for_tenant(tenant).first()


def masked_key(credentials: EspCredentials) -> str:
    """Enough of the access key id to recognise it (its first 4 and last 4 characters)."""
    key = credentials.access_key_id
    return f"{key[:4]}…{key[-4:]}" if len(key) > 8 else f"{key[:2]}…"


def suppression_list(tenant: Tenant | int, *, query: str = "", source: str = "") -> QuerySet:
    """The email suppression list: the opt-outs on channel email, newest first."""
    found = OptOut.objects.for_tenant(tenant).filter(channel=Channel.EMAIL)
    query = _query(query)
    if query:
        found = found.filter(Q(number__icontains=query.lower()) | Q(reason__icontains=query))
    if source in OptOut.Source.values:
        found = found.filter(source=source)
    return found.order_by("-created_at", "-id")


def suppression_for_tenant(tenant: Tenant, optout_id: object) -> OptOut:
    return _get(suppression_list(tenant), optout_id, "suppressed address")


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    label: str
    detail: str
    actor: str


def _history_label(event: AuditEvent) -> str:
    status = (event.changes or {}).get("status")
    if isinstance(status, list) and status:
        status = status[-1]  # [before, after]
    if isinstance(status, str) and status in EmailIdentity.Status.values:
        return EmailIdentity.Status(status).label
    verb = event.action.rsplit(".", 1)[-1].replace("_", " ")
    return verb[:1].upper() + verb[1:]


def _history_detail(event: AuditEvent) -> str:
    changes = event.changes or {}
    parts = [str(changes[key]) for key in ("reason", "failure_reason", "error") if changes.get(key)]
    if changes.get("dkim_status"):
        parts.append(f"DKIM {changes['dkim_status']}")
    return " · ".join(parts)


def identity_history(identity: EmailIdentity) -> list[HistoryEntry]:
    """The identity's status changes and checks, oldest first, from the audit log."""
    events = AuditEvent.objects.for_tenant(identity.tenant_id).filter(
        target_type=EmailIdentity._meta.label, target_id=str(identity.pk)
    )
    return [
        HistoryEntry(
            at=e.created_at,
            label=_history_label(e),
            detail=_history_detail(e),
            actor=e.actor_label or "platform",
        )
        for e in events.order_by("created_at", "id")
    ]


def email_events(message: Message) -> list[EmailEvent]:
    """The tracking events of one email, oldest first, each with its human `label`."""
    events = list(EmailEvent.objects.for_tenant(message.tenant_id).filter(message=message))
    for event in events:
        event.label = label_for(event.event_type, EmailEventType)
    return events
