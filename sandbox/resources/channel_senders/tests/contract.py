"""Contract scenarios for WhatsApp senders (see sandbox/tests/test_contract.py)."""

from sandbox import handsets
from sandbox.resources.channel_senders import lifecycle

PATH = "/v2/Channels/Senders"


class Body(dict):
    """A JSON body as Twilio documents it; the SDK's create/update take anything with
    `to_dict()` (its own classes send every unset key as null)."""

    def to_dict(self) -> dict:
        return dict(self)


def sender_body(number: str, waba_id: str = "1234567890", method: str = "sms", **profile) -> Body:
    return Body(
        sender_id=f"whatsapp:{number}",
        configuration={"waba_id": waba_id, "verification_method": method},
        webhook={"status_callback_url": "https://example.com/status", "callback_method": "POST"},
        profile={
            "name": "Acme Coffee",
            "about": "Fresh coffee, every day.",
            "vertical": "Restaurant",
            "websites": [{"website": "https://acme.example.com", "label": "Website"}],
            "emails": [{"email": "hello@acme.example.com", "label": "Email"}],
            **profile,
        },
    )


def code_from_handset(number: str) -> str:
    """The code Meta last sent to the number, as its handset shows it."""
    last = handsets.messages_received(number)[-1]
    return lifecycle.digits(last["body"])[:6]


def senders(ctx) -> None:
    api = ctx.sub.client.messaging.v2.channels_senders
    number = ctx.buy_number(ctx.sub, area_code=650).phone_number
    created = api.create(sender_body(number))
    ctx.advance(5)
    api(created.sid).update(Body(configuration={"verification_code": code_from_handset(number)}))
    api(created.sid).update(Body(profile={"about": "Open 7am-7pm"}))
    ctx.advance(5)
    api(created.sid).fetch()
    api.list(channel="whatsapp", limit=5)
    api(created.sid).delete()


SCENARIOS = {
    "channel_senders": (
        {
            f"POST messaging:{PATH}",
            f"GET messaging:{PATH}",
            f"GET messaging:{PATH}/{{Sid}}",
            f"POST messaging:{PATH}/{{Sid}}",
            f"DELETE messaging:{PATH}/{{Sid}}",
        },
        senders,
    ),
}
