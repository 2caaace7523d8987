"""Contract scenarios for Messaging Services and their phone numbers."""


def services(ctx) -> None:
    messaging = ctx.sub.client.messaging.v1
    service = messaging.services.create(
        friendly_name="contract",
        inbound_request_url=ctx.hook_url("service-inbound"),
        status_callback=ctx.hook_url("service-status"),
        sticky_sender=True,
        use_inbound_webhook_on_number=False,
    )
    messaging.services.list(limit=5)
    messaging.services(service.sid).fetch()
    messaging.services(service.sid).update(friendly_name="renamed", area_code_geomatch=False)
    messaging.services(service.sid).phone_numbers.create(phone_number_sid=ctx.number.sid)
    messaging.services(service.sid).phone_numbers.list(limit=5)
    messaging.services(service.sid).phone_numbers(ctx.number.sid).fetch()
    messaging.services(service.sid).phone_numbers(ctx.number.sid).delete()
    messaging.services(service.sid).delete()


SCENARIOS = {
    "services": (
        {
            "POST messaging:/v1/Services",
            "GET messaging:/v1/Services",
            "GET messaging:/v1/Services/{Sid}",
            "POST messaging:/v1/Services/{Sid}",
            "DELETE messaging:/v1/Services/{Sid}",
            "POST messaging:/v1/Services/{ServiceSid}/PhoneNumbers",
            "GET messaging:/v1/Services/{ServiceSid}/PhoneNumbers",
            "GET messaging:/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
            "DELETE messaging:/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
        },
        services,
    ),
}
