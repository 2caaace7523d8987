"""Reading the verification log: filters shared by the portal, the API and the CSV export."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from tenants.models import Tenant
from verify.models import VerificationAttempt, VerificationCheck, VerifyService


@dataclass(frozen=True)
class AttemptFilters:
    status: str = ""
    channel: str = ""
    country: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_attempts(queryset: QuerySet, filters: AttemptFilters) -> QuerySet:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.country:
        queryset = queryset.filter(country=filters.country.upper())
    if filters.date_from:
        queryset = queryset.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(created_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.text:
        text = filters.text.strip()
        queryset = queryset.filter(to__icontains=text.lower() if "@" in text else text)
    return queryset


def tenant_attempts(tenant: Tenant | int, filters: AttemptFilters | None = None) -> QuerySet:
    queryset = VerificationAttempt.objects.for_tenant(tenant).prefetch_related(
        Prefetch("checks", queryset=VerificationCheck.objects.order_by("created_at", "id"))
    )
    return filter_attempts(queryset, filters) if filters else queryset


def tenant_service(tenant: Tenant | int) -> VerifyService | None:
    return VerifyService.objects.for_tenant(tenant).first()


def attempt_countries(tenant: Tenant | int) -> list[str]:
    """The countries the tenant's attempts went to, for the log's country filter."""
    return sorted(
        c
        for c in VerificationAttempt.objects.for_tenant(tenant)
        .exclude(country="")
        .values_list("country", flat=True)
        .distinct()
    )
