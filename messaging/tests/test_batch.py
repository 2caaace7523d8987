"""`POST /api/v1/messages/batch`: per-item checks and results, one insert, idempotency per
batch, tenancy, the send tasks, and queries that do not grow with the batch."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Conversation, Message
from messaging.tests.conftest import HANDSET, advance, sandbox_messages_to
from messaging.tests.factories import OptOutFactory
from tenants.models import Membership

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/batch"


def handsets(count: int, start: int = 200) -> list[str]:
    return [f"+1628555{start + i:04d}" for i in range(count)]


def post_batch(client, messages, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, {"messages": messages}, format="json", **headers)


def test_each_item_is_checked_and_answered_in_order(accounted, key_api):
    OptOutFactory(tenant=accounted.tenant, number="+16285550133")
    response = post_batch(
        key_api,
        [
            {"to": HANDSET, "body": "Your table is ready"},
            {"to": "nope", "body": "Hi"},
            {"to": "+16285550133", "body": "Hi"},
            {"to": HANDSET, "body": "x" * 1601},
            "not an object",
            {"to": HANDSET, "body": "Hi", "channel": "pigeon"},
            {"to": "+16285550144", "body": "Second good one"},
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["queued"], body["refused"]) == (2, 5)
    results = body["results"]
    assert [r["index"] for r in results] == list(range(7))
    assert [r["status"] for r in results] == [
        "queued",
        "refused",
        "refused",
        "refused",
        "refused",
        "refused",
        "queued",
    ]
    assert [r.get("code") for r in results] == [
        None,
        "invalid",
        "recipient_opted_out",
        "invalid",
        "invalid",
        "invalid",
        None,
    ]
    assert list(results[1]["errors"]) == ["to"]
    assert list(results[2]["errors"]) == ["to"] and "START" in results[2]["message"]
    assert "1601" in results[3]["errors"]["body"][0]
    assert list(results[4]["errors"]) == ["non_field_errors"]
    assert list(results[5]["errors"]) == ["channel"]

    stored = Message.objects.for_tenant(accounted.tenant).order_by("to_number")
    assert [(str(m.pk), m.to_number, m.origin, m.status) for m in stored] == [
        (results[0]["id"], HANDSET, "batch", "queued"),
        (results[6]["id"], "+16285550144", "batch", "queued"),
    ]
    first = stored[0]
    assert (first.segments, first.encoding, first.from_number) == (
        1,
        "GSM-7",
        accounted.number.phone_number,
    )


@pytest.mark.parametrize("count", [0, 1001])
def test_a_batch_holds_one_to_a_thousand_messages(accounted, key_api, count):
    response = post_batch(key_api, [{"to": HANDSET, "body": "Hi"}] * count)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["messages"]
    assert not Message.objects.exists()


def test_a_thousand_messages_are_stored(accounted, key_api):
    numbers = handsets(1000)
    response = post_batch(key_api, [{"to": n, "body": "Sale today"} for n in numbers])
    assert response.status_code == 200
    assert response.json()["queued"] == 1000
    assert set(Message.objects.values_list("to_number", flat=True)) == set(numbers)


def test_an_idempotency_key_covers_the_batch(accounted, key_api):
    messages = [{"to": n, "body": "Hi"} for n in handsets(3)] + [{"to": "nope"}]
    first = post_batch(key_api, messages, key="batch-1")
    again = post_batch(key_api, messages, key="batch-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Message.objects.count() == 3

    conflict = post_batch(key_api, messages[:1], key="batch-1")
    assert conflict.status_code == 409
    assert Message.objects.count() == 3


def test_a_batch_sends_for_its_own_tenant_only(accounted, other_accounted, key_api):
    from rest_framework.test import APIClient

    from tenants.tests.factories import make_api_key

    theirs = other_accounted.number.phone_number
    response = post_batch(key_api, [{"to": HANDSET, "body": "Hi", "from": theirs}])
    assert response.json()["results"][0]["code"] == "invalid_sender"

    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(other_accounted.tenant)[1]}")
    queued = post_batch(other, [{"to": HANDSET, "body": "Hi"}]).json()["results"][0]
    message = Message.objects.get(pk=queued["id"])
    assert (message.tenant_id, message.from_number) == (other_accounted.tenant.pk, theirs)
    assert key_api.get(f"/api/v1/messages/{queued['id']}").status_code == 404


def test_roles_as_for_single_sends(accounted, member_client, tenant):
    viewer = member_client(role=Membership.Role.VIEWER)
    assert post_batch(viewer, [{"to": HANDSET, "body": "Hi"}]).status_code == 403
    member = member_client(role=Membership.Role.MEMBER)
    assert post_batch(member, [{"to": HANDSET, "body": "Hi"}]).json()["queued"] == 1


def test_the_queued_messages_are_sent_and_threaded(provisioned, key_api, on_commit):
    numbers = [HANDSET, "+16285550112", "+16285550113"]
    response = on_commit(
        post_batch, key_api, [{"to": n, "body": "Doors open at 8"} for n in numbers]
    )
    assert response.json()["queued"] == 3
    advance(5, rounds=4)
    stored = Message.objects.for_tenant(provisioned.tenant)
    assert sorted(m.status for m in stored) == ["delivered"] * 3
    assert all(m.conversation_id for m in stored)
    assert Conversation.objects.for_tenant(provisioned.tenant).count() == 3
    assert all(sandbox_messages_to(n).count() == 1 for n in numbers)


def _queries(key_api, count: int, start: int) -> int:
    """Queries of a batch besides its insert (which SQLite's driver splits by its limit on
    parameters; PostgreSQL's takes it in one statement)."""
    messages = [{"to": n, "body": "Hi"} for n in handsets(count, start)]
    with CaptureQueriesContext(connection) as queries:
        assert post_batch(key_api, messages).json()["queued"] == count
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "messaging_message"')]
    assert len(inserts) == 1 or connection.vendor == "sqlite"
    return len(queries) - len(inserts)


def test_a_batch_costs_the_same_queries_for_ten_or_five_hundred(accounted, key_api, settings):
    settings.MESSAGING_SENDER_CACHE_SECONDS = 10
    post_batch(key_api, [{"to": HANDSET, "body": "warm"}])
    assert _queries(key_api, 10, 300) == _queries(key_api, 500, 400)


def test_a_batch_resolves_its_sender_once_with_a_cold_cache(accounted, key_api):
    post_batch(key_api, [{"to": HANDSET, "body": "marks the key used"}])
    assert _queries(key_api, 10, 300) == _queries(key_api, 300, 400)


def test_whatsapp_items_need_the_window_open_with_their_sender(accounted, key_api):
    from django.utils import timezone

    from messaging.tests.factories import ConversationFactory

    accounted.number.whatsapp_enabled = True
    accounted.number.save(update_fields=["whatsapp_enabled"])
    ours = accounted.number.phone_number
    ConversationFactory(
        tenant=accounted.tenant,
        channel="whatsapp",
        contact_number=HANDSET,
        our_number=ours,
        last_inbound_at=timezone.now(),
    )
    response = post_batch(
        key_api,
        [
            {"to": HANDSET, "channel": "whatsapp", "body": "Your order ships today"},
            {"to": "+16285550112", "channel": "whatsapp", "body": "Hello"},
        ],
    )
    first, second = response.json()["results"]
    assert first["status"] == "queued"
    assert (second["status"], second["code"]) == ("refused", "whatsapp_window_closed")
    assert list(second["errors"]) == ["template"]
    message = Message.objects.get(pk=first["id"])
    assert (message.channel, message.from_number) == ("whatsapp", ours)


def _template_batch(tenant, count: int, start: int) -> list[dict]:
    from content.tests.factories import ApprovedTemplateFactory

    template = ApprovedTemplateFactory(tenant=tenant)
    return [
        {
            "to": n,
            "channel": "whatsapp",
            "template": str(template.pk),
            "variables": {"1": "Ana", "2": f"A-{i}"},
        }
        for i, n in enumerate(handsets(count, start))
    ]


def test_a_template_batch_looks_its_template_up_once(accounted, key_api):
    accounted.number.whatsapp_enabled = True
    accounted.number.save(update_fields=["whatsapp_enabled"])
    post_batch(key_api, [{"to": HANDSET, "body": "marks the key used"}])
    # A first WhatsApp batch warms what a send reads per channel (e.g. its sending quota).
    post_batch(key_api, _template_batch(accounted.tenant, 1, 200))
    counts = []
    for count, start in ((3, 300), (60, 400)):
        messages = _template_batch(accounted.tenant, count, start)
        messages.append({**messages[0], "variables": {"1": "Ana"}})
        with CaptureQueriesContext(connection) as queries:
            body = post_batch(key_api, messages).json()
        assert (body["queued"], body["refused"]) == (count, 1)
        assert list(body["results"][-1]["errors"]) == ["variables"]
        counts.append(sum(1 for q in queries if not q["sql"].startswith("INSERT")))
    assert counts[0] == counts[1]
    sent = Message.objects.filter(to_number=handsets(1, 400)[0]).get()
    assert (sent.channel, sent.content_variables) == ("whatsapp", {"1": "Ana", "2": "A-0"})
