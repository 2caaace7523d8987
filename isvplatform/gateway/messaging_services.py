"""Messaging services: a tenant's sender pools and the numbers in them."""

from typing import Any

from twilio.rest import Client

from isvplatform.gateway._common import find_named
from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import MessagingServiceInfo


def _service(instance: Any) -> MessagingServiceInfo:
    return MessagingServiceInfo(
        sid=instance.sid,
        friendly_name=instance.friendly_name or "",
        inbound_request_url=instance.inbound_request_url or None,
        status_callback=instance.status_callback or None,
        sticky_sender=bool(instance.sticky_sender),
        us_app_to_person_registered=bool(instance.us_app_to_person_registered),
    )


@translate_errors()
def create_messaging_service(
    client: Client,
    *,
    friendly_name: str,
    inbound_request_url: str | None = None,
    status_callback: str | None = None,
    sticky_sender: bool = True,
    use_inbound_webhook_on_number: bool = False,
) -> MessagingServiceInfo:
    """A sender pool whose inbound and status webhooks point at the platform."""
    return _service(
        client.messaging.v1.services.create(
            friendly_name=friendly_name,
            inbound_request_url=inbound_request_url,
            inbound_method="POST" if inbound_request_url else None,
            status_callback=status_callback,
            sticky_sender=sticky_sender,
            use_inbound_webhook_on_number=use_inbound_webhook_on_number,
        )
    )


@translate_errors()
def find_messaging_service(client: Client, friendly_name: str) -> MessagingServiceInfo | None:
    found = find_named(client.messaging.v1.services.stream(page_size=100), friendly_name)
    return _service(found) if found else None


@translate_errors()
def fetch_messaging_service(client: Client, sid: str) -> MessagingServiceInfo:
    return _service(client.messaging.v1.services(sid).fetch())


@translate_errors()
def delete_messaging_service(client: Client, sid: str) -> None:
    client.messaging.v1.services(sid).delete()


@translate_errors()
def add_number_to_service(client: Client, service_sid: str, number_sid: str) -> None:
    """Put the number into the messaging service's sender pool."""
    client.messaging.v1.services(service_sid).phone_numbers.create(phone_number_sid=number_sid)


@translate_errors()
def remove_number_from_service(client: Client, service_sid: str, number_sid: str) -> None:
    client.messaging.v1.services(service_sid).phone_numbers(number_sid).delete()


@translate_errors()
def list_service_number_sids(client: Client, service_sid: str) -> list[str]:
    found = client.messaging.v1.services(service_sid).phone_numbers.list(page_size=100)
    return [instance.sid for instance in found]
