"""Reading a tenant's message templates (the one way views, the API and sends reach them)."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from content.models import MessageTemplate, TemplateEvent
from content.vocab import ApprovalStatus
from tenants.models import Tenant


def templates_of(tenant: Tenant) -> QuerySet[MessageTemplate]:
    return MessageTemplate.objects.for_tenant(tenant).select_related("previous")


def template_for_tenant(tenant: Tenant, template_id: object) -> MessageTemplate:
    """The tenant's template by id; another tenant's (or a malformed id) is a 404."""
    try:
        return templates_of(tenant).get(pk=template_id)
    except (MessageTemplate.DoesNotExist, ValidationError, ValueError, TypeError) as err:
        raise Http404("No such template.") from err


def filter_templates(
    found: QuerySet[MessageTemplate], *, query: str = "", status: str = "", category: str = ""
) -> QuerySet[MessageTemplate]:
    """Templates matching a search of name, body or content SID, newest first."""
    if query:
        found = found.filter(
            Q(name__icontains=query) | Q(body__icontains=query) | Q(content_sid=query)
        )
    if status:
        found = found.filter(status=status)
    if category:
        found = found.filter(category=category)
    return found.order_by("-created_at", "-version")


def search_templates(
    tenant: Tenant, *, query: str = "", status: str = "", category: str = ""
) -> QuerySet[MessageTemplate]:
    return filter_templates(templates_of(tenant), query=query, status=status, category=category)


def approved_templates(tenant: Tenant, *, language: str | None = None) -> QuerySet[MessageTemplate]:
    """The templates a send may use now: approved (not paused or disabled), with a content SID."""
    found = templates_of(tenant).filter(status=ApprovalStatus.APPROVED).exclude(content_sid="")
    if language:
        found = found.filter(language=language)
    return found.order_by("name", "language", "-version")


def versions_of(template: MessageTemplate) -> QuerySet[MessageTemplate]:
    return (
        MessageTemplate.objects.for_tenant(template.tenant_id)
        .filter(family=template.family)
        .order_by("-version")
    )


def timeline(template: MessageTemplate) -> QuerySet[TemplateEvent]:
    return TemplateEvent.objects.for_tenant(template.tenant_id).filter(template=template)
