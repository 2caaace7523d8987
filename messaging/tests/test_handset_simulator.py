"""The handset simulator with two businesses on the platform: each number carries its
business's name, and the page sends to the business this phone last talked to."""

import pytest
from django.test import Client

from messaging.models import Message
from messaging.tests.conftest import HANDSET, advance
from sandbox.handsets import send_from_handset

pytestmark = pytest.mark.django_db


def test_numbers_carry_their_business_names(provisioned, other_provisioned):
    numbers = Client().get("/sandbox/handsets/numbers").json()["numbers"]
    assert {n["phone_number"]: n["business"] for n in numbers} == {
        provisioned.number.phone_number: provisioned.tenant.name,
        other_provisioned.number.phone_number: other_provisioned.tenant.name,
    }
    page = Client().get("/sandbox/handset/", {"number": HANDSET}).content.decode()
    for p in (provisioned, other_provisioned):
        assert f"{p.tenant.name} · {p.number.phone_number}" in page


def test_a_help_from_the_page_reaches_the_business_last_talked_to(
    provisioned, other_provisioned, on_commit
):
    theirs = other_provisioned.number.phone_number
    send_from_handset(HANDSET, theirs, "Hi")
    advance(2, rounds=2)
    client = Client()
    page = client.get("/sandbox/handset/", {"number": HANDSET}).content.decode()
    assert f'<option value="{theirs}" selected>' in page
    client.post(f"/sandbox/handset/?number={HANDSET}", {"to": theirs, "body": "HELP"})
    advance(2, rounds=2)
    inbound = Message.objects.filter(direction="inbound", body="HELP")
    assert [m.tenant_id for m in inbound] == [other_provisioned.tenant.pk]
