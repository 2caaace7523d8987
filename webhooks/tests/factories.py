"""Factories of tenant webhooks, registered for the API tenancy walk."""

import factory

from isvplatform.testing.tenancy import register_tenant_factory
from tenants.tests.factories import TenantFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint


class EndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/isv")
    events = ",message.status,message.received,optout.changed,"
    secret = "whsec_test_secret_0123456789"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(EndpointFactory)
    tenant = factory.SelfAttribute("endpoint.tenant")
    event_type = "message.status"
    payload = factory.LazyAttribute(lambda o: {"type": o.event_type, "data": {}})
    state = WebhookDelivery.State.SUCCEEDED


register_tenant_factory(WebhookEndpoint, lambda tenant: EndpointFactory(tenant=tenant))
register_tenant_factory(
    WebhookDelivery, lambda tenant: DeliveryFactory(endpoint=EndpointFactory(tenant=tenant))
)
