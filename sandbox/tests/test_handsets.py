"""The handset simulator: JSON API, page and Python helpers."""

import pytest
from django.test import Client as DjangoClient

from sandbox import clock, handsets
from sandbox.services import enable_whatsapp

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


def test_json_api_round_trip(sub, number):
    client = DjangoClient()
    response = client.post(
        "/sandbox/handsets/messages",
        {"from": HANDSET, "to": number.phone_number, "body": "hi"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "receiving"
    sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="hello back")
    clock.advance(10)
    received = client.get(f"/sandbox/handsets/{HANDSET}/messages").json()["messages"]
    assert [m["body"] for m in received] == ["hello back"]
    thread = client.get(f"/sandbox/handsets/{HANDSET}/conversation").json()["messages"]
    assert [m["body"] for m in thread] == ["hi", "hello back"]
    numbers = client.get("/sandbox/handsets/numbers").json()["numbers"]
    assert [n["phone_number"] for n in numbers] == [number.phone_number]


def test_json_api_reports_bad_requests():
    response = DjangoClient().post(
        "/sandbox/handsets/messages",
        {"from": HANDSET, "to": "+14155550199", "body": "hi"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "not a number" in response.json()["error"]


def test_page_sends_and_shows_the_thread(sub, number):
    enable_whatsapp(number.phone_number)
    client = DjangoClient()
    page = client.get("/sandbox/handset/", {"number": HANDSET})
    assert page.status_code == 200
    assert number.phone_number in page.content.decode()
    response = client.post(
        f"/sandbox/handset/?number={HANDSET}",
        {"from": HANDSET, "to": number.phone_number, "body": "from the page", "channel": "sms"},
    )
    assert response.status_code == 302
    thread = client.get("/sandbox/handset/thread", {"number": HANDSET}).content.decode()
    assert "from the page" in thread and "receiving" in thread
    bad = client.post("/sandbox/handset/", {"from": HANDSET, "to": "+14155550199", "body": "x"})
    assert bad.status_code == 400


def test_platform_numbers_flag_whatsapp(number):
    enable_whatsapp(number.phone_number)
    assert handsets.platform_numbers()[0]["whatsapp"] is True


def test_enable_whatsapp_needs_an_owned_number(db):
    with pytest.raises(ValueError):
        enable_whatsapp("+14155550199")
