"""The mailbox page and the handset thread show Verify's deliveries, and only the asked-for
address's or number's."""

import pytest
from django.db import connection
from django.test import Client as DjangoClient

from sandbox.resources.verifications.models import Verification, VerifyDelivery
from sandbox.testing import exchanges, latest_verify_code

SECRET_CODE = "Zq9Xk2Wv"


@pytest.fixture
def verify(sub):
    service = sub.client.verify.v2.services.create(friendly_name="Acme Coffee")
    return sub.client.verify.v2.services(service.sid)


def test_the_mailbox_shows_an_addresses_emails_only(verify):
    verify.verifications.create(to="ana@example.com", channel="email", locale="de")
    verify.verifications.create(to="bob@example.com", channel="email")
    client = DjangoClient()
    page = client.get("/sandbox/mailbox/", {"address": "ana@example.com"}).content.decode()
    assert "Acme Coffee-Verifizierungscode" in page
    assert latest_verify_code("ana@example.com") in page
    assert latest_verify_code("bob@example.com") not in page
    fragment = client.get("/sandbox/mailbox/emails", {"address": "bob@example.com"})
    assert latest_verify_code("bob@example.com") in fragment.content.decode()
    emails = client.get("/sandbox/mailboxes/ana@example.com/emails").json()["emails"]
    assert [e["subject"] for e in emails] == ["Acme Coffee-Verifizierungscode"]
    empty = client.get("/sandbox/mailbox/", {"address": "nobody@example.com"})
    assert "No emails yet" in empty.content.decode()


def test_the_handset_thread_shows_calls_and_texts(verify):
    verify.verifications.create(to="+14155550160", channel="call")
    thread = DjangoClient().get("/sandbox/handset/thread", {"number": "+14155550160"})
    html = thread.content.decode()
    assert "Incoming call, the voice says:" in html
    assert ", ".join(latest_verify_code("+14155550160")) in html
    messages = DjangoClient().get("/sandbox/handsets/+14155550160/messages").json()["messages"]
    assert [m["channel"] for m in messages] == ["call"]


@pytest.fixture
def custom(sub):
    service = sub.client.verify.v2.services.create(friendly_name="Acme", custom_code_enabled=True)
    return sub.client.verify.v2.services(service.sid)


def test_codes_are_not_stored_in_clear(custom):
    custom.verifications.create(to="+14155550161", channel="sms", custom_code=SECRET_CODE)
    assert latest_verify_code("+14155550161") == SECRET_CODE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code FROM {Verification._meta.db_table}")
        stored = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT body FROM {VerifyDelivery._meta.db_table}")
        stored += [row[0] for row in cursor.fetchall()]
    assert len(stored) == 2 and all(SECRET_CODE not in value for value in stored)


def test_answers_never_carry_the_code(custom):
    with exchanges() as log:
        started = custom.verifications.create(
            to="+14155550162", channel="sms", custom_code=SECRET_CODE
        )
        custom.verifications(started.sid).fetch()
        custom.verification_checks.create(to="+14155550162", code="wrong1")
    assert len(log) == 3 and all(SECRET_CODE not in exchange.text for exchange in log)
