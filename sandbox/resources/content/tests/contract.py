"""Contract scenarios for the Content API (see sandbox/tests/test_contract.py), and the
bodies tests post through the SDK."""

from __future__ import annotations

PATH = "/v1/Content"


class JsonBody:
    """A JSON body for the SDK's `create(...)`: it posts whatever `to_dict()` returns, so
    the type keys are Twilio's (`twilio/text`), not the typed classes' `twilio_text`."""

    def __init__(self, data: dict) -> None:
        self.data = data

    def to_dict(self) -> dict:
        return self.data


ORDER_UPDATE = {
    "friendly_name": "order_update",
    "language": "en",
    "variables": {"1": "Ana", "2": "#1042"},
    "types": {
        "twilio/text": {"body": "Hi {{1}}, your order {{2}} has shipped and arrives tomorrow."}
    },
}
DELIVERY_CHOICE = {
    "friendly_name": "delivery_choice",
    "language": "en",
    "variables": {"1": "Ana"},
    "types": {
        "twilio/quick-reply": {
            "body": "Hello {{1}}, when should we deliver your parcel?",
            "actions": [
                {"type": "QUICK_REPLY", "title": "Today", "id": "deliver_today"},
                {"type": "QUICK_REPLY", "title": "Tomorrow", "id": "deliver_tomorrow"},
            ],
        }
    },
}


def create_content(client, data: dict = ORDER_UPDATE):
    return client.content.v1.contents.create(JsonBody(data))


def submit(client, sid: str, name: str, category: str = "UTILITY"):
    return client.content.v1.contents(sid).approval_create.create(
        JsonBody({"name": name, "category": category})
    )


def approved_content(client, advance, data: dict = ORDER_UPDATE, name: str = "") -> str:
    """The SID of a content Meta approved (submitted as UTILITY, the clock moved on)."""
    content = create_content(client, data)
    submit(client, content.sid, name or data.get("friendly_name") or "sandbox_template")
    advance(60)
    return content.sid


def contents(ctx) -> None:
    client = ctx.sub.client
    text = create_content(client)
    buttons = create_content(client, DELIVERY_CHOICE)
    client.content.v1.contents(text.sid).fetch()
    list(client.content.v1.contents.list(page_size=1, limit=2))
    submit(client, buttons.sid, "delivery_choice")
    client.content.v1.contents(buttons.sid).approval_fetch().fetch()
    ctx.advance(60)
    client.content.v1.contents(buttons.sid).approval_fetch().fetch()
    list(client.content.v1.content_and_approvals.list(page_size=1, limit=2))
    client.content.v1.contents(text.sid).delete()


SCENARIOS = {
    "contents": (
        {
            f"POST content:{PATH}",
            f"GET content:{PATH}",
            f"GET content:{PATH}/{{Sid}}",
            f"DELETE content:{PATH}/{{Sid}}",
            f"GET content:{PATH}/{{Sid}}/ApprovalRequests",
            f"POST content:{PATH}/{{ContentSid}}/ApprovalRequests/whatsapp",
            "GET content:/v1/ContentAndApprovals",
        },
        contents,
    ),
}
