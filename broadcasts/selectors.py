"""Reading a tenant's broadcasts (the one way views and the API reach them by id)."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from broadcasts.models import Broadcast, BroadcastRecipient, BroadcastTransition
from tenants.models import Tenant


def broadcast_for_tenant(tenant: Tenant, broadcast_id: object) -> Broadcast:
    """The tenant's broadcast by id; another tenant's (or a malformed id) is a 404."""
    try:
        return Broadcast.objects.for_tenant(tenant).select_related("audience").get(pk=broadcast_id)
    except (Broadcast.DoesNotExist, ValidationError, ValueError, TypeError) as err:
        raise Http404("No such broadcast.") from err


def search_broadcasts(tenant: Tenant, *, query: str = "", status: str = "") -> QuerySet:
    found = Broadcast.objects.for_tenant(tenant).select_related("audience")
    query = query.replace("\x00", "").strip()[:200]
    if query:
        found = found.filter(name__icontains=query)
    if status:
        found = found.filter(status=status)
    return found


def timeline(broadcast: Broadcast) -> QuerySet[BroadcastTransition]:
    return BroadcastTransition.objects.for_tenant(broadcast.tenant_id).filter(broadcast=broadcast)


def recipients_of(broadcast: Broadcast, *, status: str = "") -> QuerySet[BroadcastRecipient]:
    found = (
        BroadcastRecipient.objects.for_tenant(broadcast.tenant_id)
        .filter(broadcast=broadcast)
        .select_related("contact", "message")
        .order_by("id")
    )
    return found.filter(status=status) if status else found
