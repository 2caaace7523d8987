"""Who reaches the handset simulator and the control pages: staff and this machine only,
unless SANDBOX_PUBLIC; nobody when the platform runs against real Twilio. The Twilio API
routes stay open to whoever holds an account's credentials."""

import base64

import pytest
from django.test import Client as DjangoClient

from sandbox.access import is_loopback
from sandbox.resources.messages.models import Message
from tenants.tests.factories import MembershipFactory, UserFactory
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"
REMOTE = "203.0.113.7"


def basic(sid: str, token: str) -> str:
    return "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()


def pages(number) -> list[tuple[str, str, dict]]:
    """Every human-facing sandbox endpoint, as (method, path, data)."""
    inject = {"from": HANDSET, "to": number.phone_number, "body": "HELP"}
    return [
        ("get", "/sandbox/handset/", {"number": HANDSET}),
        ("get", "/sandbox/handset/thread", {"number": HANDSET}),
        ("get", "/sandbox/handsets/numbers", {}),
        ("get", f"/sandbox/handsets/{HANDSET}/messages", {}),
        ("get", f"/sandbox/handsets/{HANDSET}/conversation", {}),
        ("post", "/sandbox/handsets/messages", inject),
        ("post", "/sandbox/handset/", {**inject, "channel": "sms"}),
        ("get", "/sandbox/mailbox/", {"address": "ana@example.com"}),
        ("get", "/sandbox/mailbox/emails", {"address": "ana@example.com"}),
        ("get", "/sandbox/mailboxes/ana@example.com/emails", {}),
    ]


CONTROLS = [("get", "/sandbox/clock"), ("get", "/sandbox/faults"), ("get", "/sandbox/callbacks")]


def call(client: DjangoClient, method: str, path: str, data: dict, **extra):
    return getattr(client, method)(path, data, **extra)


def test_a_remote_anonymous_client_is_refused_everywhere(master, sub, number):
    client = DjangoClient(REMOTE_ADDR=REMOTE)
    for method, path, data in pages(number):
        response = call(client, method, path, data)
        assert response.status_code == 403, path
        assert number.phone_number not in response.content.decode()
    auth = {"HTTP_AUTHORIZATION": basic(master.sid, master.token)}
    for method, path in CONTROLS:
        assert call(client, method, path, {}, **auth).status_code == 403, path
    assert not Message.objects.filter(direction=Message.Direction.INBOUND).exists()


def test_a_forwarded_for_header_does_not_make_a_remote_client_local(sub, number):
    client = DjangoClient(REMOTE_ADDR=REMOTE, HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert client.get("/sandbox/handsets/numbers").status_code == 403


def test_a_tenant_user_from_elsewhere_is_refused(tenant, sub, number):
    client = DjangoClient(REMOTE_ADDR=REMOTE)
    client.force_login(MembershipFactory(tenant=tenant).user)
    assert client.get("/sandbox/handsets/numbers").status_code == 403


def test_staff_from_elsewhere_are_served(master, sub, number):
    client = DjangoClient(REMOTE_ADDR=REMOTE)
    login_verified(client, UserFactory(is_staff=True))
    for method, path, data in pages(number):
        assert call(client, method, path, data).status_code in (200, 201, 302), path
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 2
    auth = {"HTTP_AUTHORIZATION": basic(master.sid, master.token)}
    for method, path in CONTROLS:
        assert call(client, method, path, {}, **auth).status_code == 200, path


def test_loopback_clients_are_served(sub, number):
    for address in ("127.0.0.1", "127.8.9.10", "::1"):
        client = DjangoClient(REMOTE_ADDR=address)
        numbers = client.get("/sandbox/handsets/numbers")
        assert numbers.status_code == 200, address
        assert [n["phone_number"] for n in numbers.json()["numbers"]] == [number.phone_number]


def test_sandbox_public_opens_the_pages_to_everyone(settings, sub, number):
    settings.SANDBOX_PUBLIC = True
    client = DjangoClient(REMOTE_ADDR=REMOTE)
    for method, path, data in pages(number):
        assert call(client, method, path, data).status_code in (200, 201, 302), path


def test_live_mode_serves_no_sandbox_page_even_to_staff_on_this_machine(settings, master, number):
    settings.TWILIO_MODE = "live"
    settings.SANDBOX_PUBLIC = True
    client = DjangoClient()
    login_verified(client, UserFactory(is_staff=True))
    for method, path, data in pages(number):
        assert call(client, method, path, data).status_code == 404, path
    auth = {"HTTP_AUTHORIZATION": basic(master.sid, master.token)}
    for method, path in CONTROLS:
        assert call(client, method, path, {}, **auth).status_code == 404, path


def test_the_twilio_api_still_answers_remote_clients_with_credentials(sub):
    client = DjangoClient(REMOTE_ADDR=REMOTE)
    path = f"/sandbox/twilio/api/2010-04-01/Accounts/{sub.sid}.json"
    response = client.get(path, HTTP_AUTHORIZATION=basic(sub.sid, sub.token))
    assert response.status_code == 200 and response.json()["sid"] == sub.sid
    assert client.get(path).status_code == 401


def test_loopback_addresses():
    assert [is_loopback(a) for a in ("127.0.0.1", "::1", "::ffff:127.0.0.1")] == [True] * 3
    assert not any(is_loopback(a) for a in ("10.0.0.1", "::ffff:10.0.0.1", "", None, "junk"))


def test_the_button_tap_is_served_only_where_the_pages_are(sub, number):
    tap = {"from": HANDSET, "sid": "SM" + "0" * 32, "button": "today"}
    assert DjangoClient(REMOTE_ADDR=REMOTE).post("/sandbox/handset/tap", tap).status_code == 403
    staff = DjangoClient(REMOTE_ADDR=REMOTE)
    login_verified(staff, UserFactory(is_staff=True))
    refused = staff.post("/sandbox/handset/tap", tap)
    assert refused.status_code == 400
    assert "received no WhatsApp message" in refused.content.decode()
