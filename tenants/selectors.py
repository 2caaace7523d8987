"""Read-side helpers for tenants: who belongs where, with which role, and what happened."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from tenants.audit_labels import AUDIT_ACTIONS, audit_action_choices
from tenants.models import AuditEvent, BusinessProfile, Membership, Tenant

# A person's memberships with their tenants, written out: every portal and API request reads
# them, and the ORM took three times as long to build the query as the database to answer it.
# The tenant's columns come through `raw()` (so its fields' converters still apply); the
# membership's unread `created_at` loads on first use.
_MEMBERSHIPS_SQL = (
    "SELECT t.*, m.id AS membership_id, m.role AS membership_role"
    " FROM {membership} m JOIN {tenant} t ON t.id = m.tenant_id"
    " WHERE m.user_id = %s AND t.status <> %s{one} ORDER BY t.name, m.id"
)
_MEMBERSHIP_FIELDS = ["id", "tenant_id", "user_id", "role"]


def _memberships(user: AbstractBaseUser, tenant_id: int | None = None) -> list[Membership]:
    """The person's memberships of tenants not closed (of `tenant_id`'s alone, if given), by
    tenant name, each with its tenant and person attached."""
    sql = _MEMBERSHIPS_SQL.format(
        membership=Membership._meta.db_table,
        tenant=Tenant._meta.db_table,
        one="" if tenant_id is None else " AND m.tenant_id = %s",
    )
    params = [user.pk, Tenant.Status.CLOSED] + ([] if tenant_id is None else [tenant_id])
    memberships = []
    for tenant in Tenant.objects.raw(sql, params):
        values = [tenant.membership_id, tenant.pk, user.pk, tenant.membership_role]
        membership = Membership.from_db(tenant._state.db, _MEMBERSHIP_FIELDS, values)
        membership.tenant, membership.user = tenant, user
        memberships.append(membership)
    return memberships


def memberships_for_user(user: AbstractBaseUser) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return _memberships(user)


def membership_for(user: AbstractBaseUser, tenant_id: int | str | None) -> Membership | None:
    if not user.is_authenticated or tenant_id is None:
        return None
    try:
        tenant_id = int(tenant_id)
    except (TypeError, ValueError):
        return None
    memberships = _memberships(user, tenant_id)
    return memberships[0] if memberships else None


# Business-profile fields every registration (brand, customer profile) needs; the dashboard
# shows how many are filled.
PROFILE_KEY_FIELDS = (
    "legal_name",
    "business_type",
    "industry",
    "registration_number",
    "website",
    "address_street",
    "address_city",
    "address_region",
    "address_postal_code",
    "address_country",
    "owner_first_name",
    "owner_last_name",
    "owner_email",
    "contact_email",
    "contact_phone",
    "use_case",
)


@dataclass(frozen=True)
class ProfileCompleteness:
    percent: int
    missing: list[str]


def profile_completeness(profile: BusinessProfile | None) -> ProfileCompleteness:
    """Share of the key profile fields that are filled, and the labels of the missing ones."""
    fields = [BusinessProfile._meta.get_field(name) for name in PROFILE_KEY_FIELDS]
    if profile is None:
        return ProfileCompleteness(0, [str(f.verbose_name) for f in fields])
    missing = [str(f.verbose_name) for f in fields if getattr(profile, f.name) in ("", None)]
    filled = len(fields) - len(missing)
    return ProfileCompleteness(round(100 * filled / len(fields)), missing)


# --- audit log --------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to: the portal's and the API's query parameters."""

    actor: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params) -> "AuditFilters":
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat((params.get(name) or "").strip())
            except ValueError:
                return None

        return cls(
            actor=(params.get("actor") or "").strip()[:200],
            action=(params.get("action") or "").strip()[:100],
            date_from=day("date_from"),
            date_to=day("date_to"),
            q=(params.get("q") or "").strip()[:200],
        )

    @property
    def active(self) -> bool:
        return any((self.actor, self.action, self.date_from, self.date_to, self.q))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def tenant_audit_events(tenant: Tenant | int, filters: AuditFilters | None = None) -> QuerySet:
    """The tenant's audit events, newest first, narrowed by `filters`."""
    events = AuditEvent.objects.for_tenant(tenant).order_by("-created_at", "-id")
    return filter_audit_events(events, filters) if filters else events


def filter_audit_events(events: QuerySet, filters: AuditFilters) -> QuerySet:
    """Narrow tenant-scoped `events`. The search matches who, the target and the event's
    code or its sentence, so "invited" finds `member.invited`."""
    if filters.actor:
        events = events.filter(actor_label=filters.actor)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(created_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.q:
        needle = filters.q.lower()
        codes = [code for code, sentence in AUDIT_ACTIONS.items() if needle in sentence.lower()]
        events = events.filter(
            Q(action__icontains=filters.q)
            | Q(action__in=codes)
            | Q(actor_label__icontains=filters.q)
            | Q(target_label__icontains=filters.q)
            | Q(target_id=filters.q)
        )
    return events


def audit_filter_choices(tenant: Tenant | int) -> dict[str, list]:
    """The actors and event types that occur in the tenant's log, for the filter menus."""
    events = AuditEvent.objects.for_tenant(tenant).order_by()
    actors = events.exclude(actor_label="").values_list("actor_label", flat=True).distinct()
    actions = events.values_list("action", flat=True).distinct()
    return {"actors": sorted(actors), "actions": audit_action_choices(actions)}
