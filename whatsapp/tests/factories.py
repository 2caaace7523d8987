import factory

from isvplatform.testing.tenancy import register_tenant_factory
from provisioning.tests.factories import PhoneNumberFactory
from tenants.tests.factories import TenantFactory
from whatsapp.models import WhatsAppSender


class WhatsAppSenderFactory(factory.django.DjangoModelFactory):
    """A sender's row only (tests of Twilio's side onboard through the sandbox)."""

    class Meta:
        model = WhatsAppSender

    tenant = factory.SubFactory(TenantFactory)
    phone_number = factory.LazyAttribute(lambda o: PhoneNumberFactory(tenant=o.tenant))
    waba_id = factory.Sequence(lambda n: f"1{n:014d}")
    display_name = "Acme Coffee"


register_tenant_factory(WhatsAppSender, lambda tenant: WhatsAppSenderFactory(tenant=tenant))
