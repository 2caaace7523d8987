"""Contract scenarios for Messages and Media, including error answers."""

import datetime as dt

from twilio.base.exceptions import TwilioRestException

API = "/2010-04-01/Accounts/{AccountSid}"


def messages(ctx) -> None:
    client = ctx.sub.client
    sent = client.messages.create(
        to="+14155550123",
        from_=ctx.number.phone_number,
        body="Hello from the contract",
        media_url=["https://example.com/cat.jpg", "https://example.com/dog.png"],
        status_callback=ctx.hook_url("status"),
    )
    ctx.advance(10)
    client.messages.list(to="+14155550123", from_=ctx.number.phone_number, limit=5)
    client.messages.list(date_sent_after=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), limit=5)
    client.messages(sent.sid).fetch()
    media = client.messages(sent.sid).media.list(limit=5)
    client.messages(sent.sid).media(media[0].sid).fetch()
    client.messages(sent.sid).media(media[0].sid).delete()
    client.messages(sent.sid).update(body="")
    client.messages(sent.sid).delete()
    try:
        client.messages.create(to="+11234567890", from_=ctx.number.phone_number, body="x")
    except TwilioRestException as err:
        assert err.code == 21211
    else:
        raise AssertionError("an invalid number was accepted")


SCENARIOS = {
    "messages": (
        {
            f"POST api:{API}/Messages.json",
            f"GET api:{API}/Messages.json",
            f"GET api:{API}/Messages/{{Sid}}.json",
            f"POST api:{API}/Messages/{{Sid}}.json",
            f"DELETE api:{API}/Messages/{{Sid}}.json",
            f"GET api:{API}/Messages/{{MessageSid}}/Media.json",
            f"GET api:{API}/Messages/{{MessageSid}}/Media/{{Sid}}.json",
            f"DELETE api:{API}/Messages/{{MessageSid}}/Media/{{Sid}}.json",
        },
        messages,
    ),
}
