"""Factories of message templates, registered for the API tenancy walk.

Rows made here exist only in the platform's tables; tests of Twilio's side submit through
the sandbox."""

import factory
from django.utils import timezone

from content.models import MessageTemplate, TemplateEvent
from content.vocab import ApprovalStatus, Category, ContentKind
from isvplatform.testing.tenancy import register_tenant_factory
from tenants.tests.factories import TenantFactory


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    """A draft utility text template the lint passes."""

    class Meta:
        model = MessageTemplate

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"order_update_{n}")
    language = "en"
    category = Category.UTILITY
    content_type = ContentKind.TEXT
    body = "Hello {{1}}, your order {{2}} has shipped and arrives soon."
    variables = factory.LazyFunction(lambda: {"1": "Ana", "2": "A-1042"})
    status = ApprovalStatus.DRAFT


class ApprovedTemplateFactory(MessageTemplateFactory):
    status = ApprovalStatus.APPROVED
    raw_status = "approved"
    content_sid = factory.Sequence(lambda n: f"HX{n:032x}")


class TemplateEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateEvent

    template = factory.SubFactory(MessageTemplateFactory)
    tenant = factory.SelfAttribute("template.tenant")
    kind = TemplateEvent.Kind.CREATED
    to_value = ApprovalStatus.DRAFT
    at = factory.LazyFunction(timezone.now)


register_tenant_factory(MessageTemplate, lambda tenant: MessageTemplateFactory(tenant=tenant))
