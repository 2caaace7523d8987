"""The log's lean rows: the API list answers exactly `MessageSerializer`'s JSON, and the
portal table shows every column as before, from `.values()` rows."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from content.tests.factories import ApprovedTemplateFactory
from messaging.log_rows import API_COLUMNS, PORTAL_COLUMNS, api_items, portal_rows
from messaging.models import Message, Status
from messaging.serializers import MessageSerializer
from messaging.tests.factories import ConversationFactory, MessageFactory
from tenants.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(tenant):
    """Messages that use every kind of field the log shows: email, template, button, error,
    prices, a conversation, empty sender, timestamps with and without microseconds."""
    now = timezone.now().replace(microsecond=0)
    template = ApprovedTemplateFactory(tenant=tenant, name="order_shipped")
    deleted = ApprovedTemplateFactory(tenant=tenant, name="gone")
    MessageFactory(
        tenant=tenant, channel="email", from_number="hello@shop.example", to_number="a@b.example",
        subject="Your order", body="x" * 120, html="<p>Hi</p>", headers={"List-Unsubscribe": "<u>"},
        esp_name="ses", esp_message_id="ses-1", sid=None, segments=0, encoding="",
        status=Status.OPENED, created_at=now - timedelta(seconds=1),
    )  # fmt: skip
    MessageFactory(
        tenant=tenant, channel="whatsapp", template=template, body="",
        content_sid="HX" + "1" * 32, content_variables={"1": "Ana"}, status=Status.READ,
        sent_at=now, delivered_at=now + timedelta(microseconds=1500), read_at=now,
        created_at=now - timedelta(seconds=2),
    )  # fmt: skip
    MessageFactory(
        tenant=tenant, direction="inbound", channel="whatsapp", button_text="Yes",
        button_payload="yes", status=Status.RECEIVED, received_at=now,
        conversation=ConversationFactory(tenant=tenant), created_at=now - timedelta(seconds=3),
    )  # fmt: skip
    MessageFactory(
        tenant=tenant, from_number="", status=Status.UNDELIVERED, error_code=30003,
        error_message="Unreachable", price=Decimal("-0.0079"), price_unit="USD",
        estimated_price=Decimal("0.0158"), via_master=True, media_urls=["https://e.example/a"],
        created_at=now - timedelta(seconds=4, microseconds=250),
    )  # fmt: skip
    MessageFactory(tenant=tenant, template=deleted, body="", created_at=now - timedelta(seconds=5))
    deleted.delete()
    return Message.objects.for_tenant(tenant).order_by("-created_at", "-id")


def _serialized(queryset) -> list[dict]:
    data = MessageSerializer(queryset.select_related("template"), many=True).data
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_api_items_are_the_serializers_json_key_for_key(varied, zone):
    with timezone.override(zone):
        expected = _serialized(varied)
        items = json.loads(JSONRenderer().render(api_items(list(varied.values(*API_COLUMNS)))))
    assert items == expected
    assert [list(item) for item in items] == [list(item) for item in expected]


def test_the_api_list_answers_the_serializers_json(varied, key_api):
    body = key_api.get("/api/v1/messages?page_size=3").json()
    assert body["results"] == _serialized(varied)[:3]
    rest = key_api.get(body["next"]).json()
    assert rest["results"] == _serialized(varied)[3:] and rest["next"] is None


def test_portal_rows_have_every_column_ready(varied):
    rows = portal_rows(list(varied.values(*PORTAL_COLUMNS)))
    email, template, button, failed, gone = rows
    assert (email["kind"], email["subject"], email["segments"]) == ("email", "Your order", "—")
    assert email["snippet"] == "x" * 79 + "…" and email["title"] == "Your order"
    assert (template["kind"], template["text"], template["status_label"]) == (
        "template", "order_shipped", "Read"
    )  # fmt: skip
    assert (button["kind"], button["text"], button["inbound"]) == ("button", "Yes", True)
    assert (failed["from"], failed["error_code"], failed["status_label"]) == (
        "service", 30003, "Undelivered"
    )  # fmt: skip
    assert (gone["kind"], gone["text"]) == ("text", "—")
    assert failed["href"] == f"/messages/{varied[3].pk}/"
    moment = timezone.localtime(varied[3].created_at)
    assert failed["iso"] == moment.isoformat()
    assert failed["when"] == moment.strftime("%b ") + f"{moment.day}, {moment:%H:%M:%S}"


def test_the_log_page_shows_the_rows(varied, member_client):
    html = member_client(role=Membership.Role.VIEWER).get("/messages/").content.decode()
    assert '<strong class="email-subject">Your order</strong>' in html
    assert "Template · order_shipped" in html and "Tapped: Yes" in html
    assert '<span class="badge badge-undelivered">Undelivered</span>' in html
    assert '<div class="muted small">error 30003</div>' in html
    assert f'href="/messages/{varied[0].pk}/"' in html and ">service<" in html
    assert '<span class="badge badge-channel">WhatsApp</span>' in html


# The log table's row as the template printed it before `row_markup` took over.
_TEMPLATE_ROW = """<tr>
              <td class="nowrap"><a href="{{ m.href }}"><time datetime="{{ m.iso }}">{{ m.when }}</time></a></td>
              <td class="nowrap">{% if m.inbound %}↙ in{% else %}↗ out{% endif %} <span class="badge badge-channel">{{ m.channel_label }}</span></td>
              <td class="mono nowrap">{{ m.from }}</td>
              <td class="mono nowrap">{{ m.to }}</td>
              <td class="body-cell" title="{{ m.title }}">{% if m.kind == "email" %}<strong class="email-subject">{{ m.subject }}</strong>{% if m.snippet %} <span class="muted">— {{ m.snippet }}</span>{% endif %}{% elif m.kind == "template" %}<span class="template-tag">Template · {{ m.text }}</span>{% elif m.kind == "button" %}Tapped: {{ m.text }}{% else %}{{ m.text }}{% endif %}</td>
              <td><span class="badge badge-{{ m.status }}">{{ m.status_label }}</span>{% if m.error_code %}<div class="muted small">error {{ m.error_code }}</div>{% endif %}</td>
              <td>{{ m.segments }}{% if m.encoding %} <span class="muted small">{{ m.encoding }}</span>{% endif %}</td>
            </tr>"""  # noqa: E501


def test_row_markup_is_what_the_template_printed(varied, tenant):
    MessageFactory(
        tenant=tenant, body='<script>alert("x")</script> & \'quotes\'', encoding="UCS-2",
        to_number="+1<b>", created_at=timezone.now() - timedelta(seconds=6),
    )  # fmt: skip
    template = Template(_TEMPLATE_ROW)
    rows = portal_rows(list(Message.objects.filter(tenant=tenant).values(*PORTAL_COLUMNS)))
    assert len(rows) == 6
    for row in rows:
        assert row["html"] == template.render(Context({"m": row}))
    scripted = next(row["html"] for row in rows if "script" in row["title"])
    assert "&lt;script&gt;" in scripted and "<script>" not in scripted
