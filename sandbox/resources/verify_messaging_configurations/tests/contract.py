"""Contract scenarios for Verify messaging configurations (see sandbox/tests/test_contract.py)."""

PATH = "/v2/Services/{ServiceSid}/MessagingConfigurations"


def messaging_configurations(ctx) -> None:
    service = ctx.sub.client.verify.v2.services.create(friendly_name="Acme")
    api = ctx.sub.client.verify.v2.services(service.sid).messaging_configurations
    first = ctx.sub.client.messaging.v1.services.create(friendly_name="Canada")
    second = ctx.sub.client.messaging.v1.services.create(friendly_name="Everywhere")
    api.create(country="CA", messaging_service_sid=first.sid)
    api.list(limit=5)
    api("CA").fetch()
    api("CA").update(messaging_service_sid=second.sid)
    api("CA").delete()


SCENARIOS = {
    "messaging_configurations": (
        {
            f"POST verify:{PATH}",
            f"GET verify:{PATH}",
            f"GET verify:{PATH}/{{Country}}",
            f"POST verify:{PATH}/{{Country}}",
            f"DELETE verify:{PATH}/{{Country}}",
        },
        messaging_configurations,
    ),
}
